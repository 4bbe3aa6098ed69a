// The two real pretrained GGUF proxies (tools/fetch-pretrained.sh: SmolLM2-135M-Instruct Q4_1 and
// Qwen2.5-Coder-0.5B-Instruct) against transformers on real MATH-V samples: the chat-formatted token
// ids (the model's own tokenizer and template, <image> removed) and the per-sample SFT loss of 50
// samples, written by `tools/ost_transformers_reference.py fixtures` into
// tests/fixtures/text_decoders/real_models.json. Skips when the model files or ../shared are absent.
#include "core/data/Dataset.h"
#include "core/model/internal/VisionLanguageModel.h"

#include "../RealModels.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace ost;
using namespace ost::model;

namespace {

const std::string kFixture = std::string(OST_FIXTURE_DIR) + "/text_decoders/real_models.json";
const std::string kPool = std::string(OST_SHARED_DIR) + "/data/mathv/pool-small.jsonl";


std::vector<int64_t> idsOf(const torch::Tensor &t)
{
    const torch::Tensor c = t.contiguous().to(torch::kLong);
    return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

} // namespace

class TstRealProxies : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchesTransformers_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("smollm2") << "SmolLM2-135M-Instruct.Q4_1.gguf";
        QTest::newRow("qwen2.5-coder") << "qwen2.5-coder-0.5b-instruct.gguf";
    }
    void matchesTransformers()
    {
        QFETCH(QString, file);
        const std::string path = ost::testing::realModelsDir() + "/" + file.toStdString();
        if (!std::filesystem::exists(path))
            QSKIP(qPrintable("no " + QString::fromStdString(path) +
                             " (tools/fetch-pretrained.sh DIR fetches it; OST_MODELS_DIR=DIR points here)"));
        if (!std::filesystem::exists(kPool))
            QSKIP("../shared/data/mathv is absent");
        std::ifstream in(kFixture);
        if (!in)
            QSKIP("no tests/fixtures/text_decoders/real_models.json (tools/ost_transformers_reference.py fixtures)");
        const auto fixture = nlohmann::json::parse(in);
        if (!fixture["models"].contains(file.toStdString()))
            QSKIP("real_models.json has no entry for this file (tools/ost_transformers_reference.py fixtures)");
        const auto &entry = fixture["models"][file.toStdString()];
        const int64_t maxTokens = fixture["max_tokens"].get<int64_t>();

        torch::set_num_threads(2);
        ProxyOptions options;
        options.maxTokens = maxTokens;
        auto proxy = loadProxy(path, options);
        QVERIFY2(proxy.ok(), proxy.ok() ? "" : proxy.error().message.c_str());
        auto dataset = Dataset::open(kPool);
        QVERIFY(dataset.ok());
        std::map<std::string, Sample> samples;
        for (int64_t i = 0; i < dataset.value()->size() && samples.size() < entry["loss"].size() + 50; ++i)
            if (auto s = dataset.value()->sample(i); s.ok())
                samples[s->id] = s.value();

        int idsCompared = 0;
        for (const auto &[id, want] : entry["chat_ids"].items()) {
            auto e = proxy->encoder->encode(samples.at(id));
            QVERIFY2(e.ok(), e.ok() ? "" : e.error().message.c_str());
            const std::vector<int64_t> got = idsOf(e->inputIds);
            const auto expected = want.get<std::vector<int64_t>>();
            QVERIFY2(got == expected, qPrintable(QString("%1: %2 ids, transformers %3; ours: %4")
                                                     .arg(QString::fromStdString(id))
                                                     .arg(got.size())
                                                     .arg(expected.size())
                                                     .arg(QString::fromStdString(proxy->encoder->tokenizer().decode(got)))));
            const auto labels = idsOf(e->labels);
            const int64_t firstTrained = std::find_if(labels.begin(), labels.end(), [](int64_t l) { return l != kIgnoreIndex; }) -
                                         labels.begin();
            QCOMPARE(firstTrained, entry["chat_labels_from"][id].get<int64_t>());
            ++idsCompared;
        }
        double worst = 0;
        torch::NoGradGuard noGrad;
        for (const auto &[id, want] : entry["loss"].items()) {
            auto e = proxy->encoder->encode(samples.at(id));
            QVERIFY(e.ok());
            const double got = proxy->model->perSampleLoss(collate({e.value()}, proxy->encoder->padTokenId(), torch::kCPU))
                                   .item<double>();
            worst = std::max(worst, std::abs(got - want.get<double>()) / std::abs(want.get<double>()));
        }
        qInfo("%s: %d chat-formatted samples' token ids equal; per-sample loss of %d samples, worst relative diff %.2e",
              qPrintable(file), idsCompared, int(entry["loss"].size()), worst);
        QVERIFY2(worst <= 1e-4, qPrintable(QString::number(worst)));
    }
};

QTEST_GUILESS_MAIN(TstRealProxies)
#include "tst_real_proxies.moc"
