// config.json is checked against the checkpoint before anything is allocated (issue 11.4):
// num_hidden_layers 1e9 grew to 21 GB, and a config with fewer layers than the weights loaded a
// truncated model without a word.
#include "core/model/ModelFolder.h"
#include "core/model/internal/QwenVLConfig.h"
#include "core/model/internal/VisionLanguageModel.h"
#include "core/vision/ImageProcessorConfig.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>

using namespace ost;
using namespace ost::model;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string &s, const std::string &part) { return s.find(part) != std::string::npos; }

} // namespace

class TstConfigBounds : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_good;

    // A copy of the saved builtin-tiny folder with config.json edited; returns loadProxy's error.
    std::string loadEdited(const std::string &name, const std::function<void(nlohmann::json &)> &edit)
    {
        const std::string folder = m_dir.path().toStdString() + "/" + name;
        fs::copy(m_good, folder, fs::copy_options::recursive);
        nlohmann::json j;
        {
            std::ifstream in(folder + "/config.json");
            j = nlohmann::json::parse(in);
        }
        edit(j);
        std::ofstream(folder + "/config.json") << j.dump();
        auto r = loadProxy(folder);
        return r ? std::string("(loaded)") : r.error().message;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        auto tiny = loadProxy("builtin-tiny");
        QVERIFY(tiny.ok());
        m_good = m_dir.path().toStdString() + "/good";
        QVERIFY(tiny->model->save(m_good).ok());
        QVERIFY(loadProxy(m_good).ok());
    }

    // builtin-tiny has 4 decoder layers and 2 vision blocks.
    void fewerLayersThanTheCheckpointFail()
    {
        const std::string layers = loadEdited("two-layers", [](nlohmann::json &j) { j["num_hidden_layers"] = 2; });
        QVERIFY2(contains(layers, "holds 4 decoder layer") && contains(layers, "num_hidden_layers is 2") &&
                     contains(layers, "config.json"),
                 layers.c_str());
        const std::string blocks = loadEdited("one-block", [](nlohmann::json &j) { j["vision_config"]["depth"] = 1; });
        QVERIFY2(contains(blocks, "holds 2 vision block") && contains(blocks, "depth is 1"), blocks.c_str());
    }

    // Inputs the fuzzer once crashed on (tests/fuzz/regress/config): errors are values, never
    // exceptions, and one line each (a newline inside a quoted rope type split the message).
    void fuzzRegressionInputs()
    {
        int n = 0;
        for (const auto &e : fs::directory_iterator(std::string(OST_SOURCE_DIR) + "/tests/fuzz/regress/config")) {
            std::ifstream in(e.path(), std::ios::binary);
            const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            try {
                auto c = QwenVLConfig::fromJson(text, "config.json");
                if (!c.ok())
                    QVERIFY2(c.error().message.find('\n') == std::string::npos,
                             (e.path().string() + ": " + c.error().message).c_str());
                (void)parseImageProcessorConfig(text, "preprocessor_config.json");
            } catch (const std::exception &ex) {
                QFAIL((e.path().string() + ": threw " + ex.what()).c_str());
            }
            ++n;
        }
        QVERIFY(n > 0);
    }

    void absurdSizesFailBeforeAllocating()
    {
        for (const char *key : {"num_hidden_layers", "vocab_size", "intermediate_size"}) {
            const auto started = std::chrono::steady_clock::now();
            const std::string why =
                loadEdited(std::string("absurd-") + key, [&](nlohmann::json &j) { j[key] = 1000000000; });
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            QVERIFY2(contains(why, key) && contains(why, "config.json"), why.c_str());
            QVERIFY2(seconds < 10, (std::string(key) + ": took " + std::to_string(seconds) + " s").c_str());
        }
        const std::string more = loadEdited("six-layers", [](nlohmann::json &j) { j["num_hidden_layers"] = 6; });
        QVERIFY2(contains(more, "holds 4 decoder layer"), more.c_str());
    }
};

QTEST_GUILESS_MAIN(TstConfigBounds)
#include "tst_config_bounds.moc"
