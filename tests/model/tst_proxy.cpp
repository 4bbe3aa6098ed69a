// loadProxy: the built-in tiny model (deterministic, save/load round trip, trainable), the sample
// encoder and collate, and clear errors for model folders that do not fit.
#include "core/model/ModelFolder.h"
#include "core/model/internal/QwenVisionLanguageModel.h"
#include "core/model/internal/SafetensorsTorch.h"
#include "core/model/internal/VisionLanguageModel.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

using namespace ost;
using namespace ost::model;
namespace fs = std::filesystem;

namespace {

// A binary PPM (decoded by OpenCV) with a gradient, so different images give different pixels.
std::string writeImage(const std::string &dir, const std::string &name, int width, int height)
{
    const std::string path = dir + "/" + name;
    std::ofstream out(path, std::ios::binary);
    out << "P6\n" << width << " " << height << "\n255\n";
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            const unsigned char px[3] = {static_cast<unsigned char>(x * 255 / width),
                                         static_cast<unsigned char>(y * 255 / height), static_cast<unsigned char>((x + y) % 256)};
            out.write(reinterpret_cast<const char *>(px), 3);
        }
    return path;
}

Sample makeSample(const std::string &id, const std::vector<std::string> &images, const std::string &answer)
{
    Sample s;
    s.id = id;
    std::string question;
    for (size_t i = 0; i < images.size(); ++i)
        question += "<image>\n";
    s.turns = {{"user", question + "What is the area of the shaded region?"}, {"assistant", answer}};
    s.images = images;
    s.resolvedImages = images;
    return s;
}

LoadedProxy tiny(uint64_t seed = 0)
{
    ProxyOptions options;
    options.seed = seed;
    auto proxy = loadProxy("builtin-tiny", options);
    if (!proxy)
        qFatal("%s", proxy.error().message.c_str());
    return proxy.value();
}

std::string errorOf(const std::string &spec)
{
    auto r = loadProxy(spec);
    return r ? std::string("(loaded)") : r.error().message;
}

bool contains(const std::string &haystack, const std::string &needle)
{
    return haystack.find(needle) != std::string::npos;
}

} // namespace

class TstProxy : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::string m_image1, m_image2;

private Q_SLOTS:
    void initTestCase()
    {
        torch::set_num_threads(1);
        m_image1 = writeImage(m_dir.path().toStdString(), "a.ppm", 100, 80);
        m_image2 = writeImage(m_dir.path().toStdString(), "b.ppm", 60, 120);
    }

    void builtinIsDeterministic()
    {
        auto a = tiny(3), b = tiny(3), c = tiny(4);
        auto pa = a.model->module().named_parameters(), pb = b.model->module().named_parameters(),
             pc = c.model->module().named_parameters();
        QCOMPARE(pa.size(), pb.size());
        bool allEqual = true, anyDiffers = false;
        for (const auto &item : pa) {
            allEqual = allEqual && torch::equal(item.value(), pb[item.key()]);
            anyDiffers = anyDiffers || !torch::equal(item.value(), pc[item.key()]);
        }
        QVERIFY(allEqual);
        QVERIFY(anyDiffers);
        QCOMPARE(a.model->architecture(), std::string("qwen2_vl"));
        QCOMPARE(a.model->decoderBlockCount(), 4);
    }

    void parameterGroups()
    {
        auto p = tiny();
        int language = 0, vision = 0;
        for (const auto &item : p.model->module().named_parameters()) {
            if (p.model->isLanguageParameter(item.key()))
                ++language;
            else
                ++vision;
        }
        QVERIFY(language > 0 && vision > 0);
        QCOMPARE(p.model->decoderBlockOf("model.language_model.layers.3.mlp.up_proj.weight"), 3);
        QCOMPARE(p.model->decoderBlockOf("model.layers.2.self_attn.q_proj.bias"), 2);
        QCOMPARE(p.model->decoderBlockOf("model.language_model.norm.weight"), -1);
        QCOMPARE(p.model->decoderBlockOf("model.visual.blocks.1.attn.qkv.weight"), -1);
        QVERIFY(!p.model->isLanguageParameter("model.visual.blocks.0.attn.qkv.weight"));
        QVERIFY(p.model->isLanguageParameter("model.language_model.embed_tokens.weight"));
    }

    void saveLoadRoundTripIsBitIdentical()
    {
        auto original = tiny(11);
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString() + "/tiny";
        QVERIFY(original.model->save(folder).ok());
        QVERIFY(fs::exists(folder + "/config.json"));
        QVERIFY(fs::exists(folder + "/preprocessor_config.json"));
        auto info = inspectModel(folder);
        QVERIFY2(info.ok(), info ? "" : info.error().message.c_str());
        QCOMPARE(info->architecture, std::string("qwen2_vl"));

        auto loaded = loadProxy(folder);
        QVERIFY2(loaded.ok(), loaded ? "" : loaded.error().message.c_str());
        auto pa = original.model->module().named_parameters();
        auto pb = loaded->model->module().named_parameters();
        QCOMPARE(pa.size(), pb.size());
        for (const auto &item : pa)
            QVERIFY2(torch::equal(item.value(), pb[item.key()]), item.key().c_str());

        // Same encoder behaviour: same ids and pixels for the same sample.
        const Sample s = makeSample("s1", {m_image1}, "It is 12.");
        auto ea = original.encoder->encode(s), eb = loaded->encoder->encode(s);
        QVERIFY(ea.ok() && eb.ok());
        QVERIFY(torch::equal(ea->inputIds, eb->inputIds));
        QVERIFY(torch::equal(ea->pixelValues, eb->pixelValues));
    }

    void encodeAndCollate()
    {
        auto p = tiny();
        auto a = p.encoder->encode(makeSample("two-images", {m_image1, m_image2}, "The answer is 42."));
        QVERIFY2(a.ok(), a ? "" : a.error().message.c_str());
        auto b = p.encoder->encode(makeSample("text-only", {}, "Seven."));
        QVERIFY2(b.ok(), b ? "" : b.error().message.c_str());
        QCOMPARE(a->imageGridThw.size(0), 2);
        QCOMPARE(a->pixelValues.size(1), 1176);
        QVERIFY(a->pixelValues.size(0) <= 2 * 16); // capped at 56x56 pixels (4 x 4 patches) per image
        // The answer's bytes and the turn end, as the chat template labels them.
        QVERIFY(a->answerTokens >= int64_t(std::string("The answer is 42.").size() + 1));
        QCOMPARE(a->answerTokens, a->labels.ne(kIgnoreIndex).sum().item<int64_t>());
        QVERIFY(!b->pixelValues.defined());

        const ModelBatch batch = collate({a.value(), b.value()}, p.encoder->padTokenId(), torch::kCPU);
        const int64_t la = a->inputIds.size(0), lb = b->inputIds.size(0);
        QCOMPARE(batch.inputIds.size(1), std::max(la, lb));
        QCOMPARE(batch.attentionMask.sum().item<int64_t>(), la + lb);
        QCOMPARE(batch.labels[1].narrow(0, lb, batch.labels.size(1) - lb).ne(kIgnoreIndex).sum().item<int64_t>(), 0);
        QCOMPARE(batch.imageGridThw.size(0), 2);

        torch::NoGradGuard noGrad;
        const torch::Tensor loss = p.model->perSampleLoss(batch);
        QCOMPARE(loss.size(0), 2);
        QVERIFY(torch::isfinite(loss).all().item<bool>());
        // Right padding must not change a sample's loss: alone it gives the same value.
        const torch::Tensor alone = p.model->perSampleLoss(collate({b.value()}, p.encoder->padTokenId(), torch::kCPU));
        QVERIFY(std::abs(alone[0].item<double>() - loss[1].item<double>()) < 1e-5);
        // ~ln(vocab) at random init.
        QVERIFY(loss[0].item<double>() > 3.0 && loss[0].item<double>() < 8.0);
    }

    void lossDecreasesWhenTraining()
    {
        auto p = tiny(5);
        auto e = p.encoder->encode(makeSample("train", {m_image1}, "The shaded area is 24 square units."));
        QVERIFY(e.ok());
        const ModelBatch batch = collate({e.value()}, p.encoder->padTokenId(), torch::kCPU);
        torch::optim::Adam opt(p.model->module().parameters(), torch::optim::AdamOptions(3e-3));
        double first = 0, last = 0;
        for (int step = 0; step < 12; ++step) {
            opt.zero_grad();
            torch::Tensor loss = p.model->perSampleLoss(batch).mean();
            loss.backward();
            opt.step();
            (step == 0 ? first : last) = loss.item<double>();
        }
        qInfo("builtin-tiny loss %.4f -> %.4f after 12 Adam steps", first, last);
        QVERIFY(last < first * 0.7);
    }

    void badSamplesNameTheirImage()
    {
        auto p = tiny();
        Sample missing = makeSample("no-file", {"images/absent.png"}, "x");
        missing.resolvedImages = {""};
        auto r = p.encoder->encode(missing);
        QVERIFY(!r.ok());
        QVERIFY(contains(r.error().message, "no-file") && contains(r.error().message, "images/absent.png"));

        const std::string corrupt = m_dir.path().toStdString() + "/corrupt.png";
        std::ofstream(corrupt) << "not an image";
        r = p.encoder->encode(makeSample("broken", {corrupt}, "x"));
        QVERIFY(!r.ok());
        QVERIFY2(contains(r.error().message, "broken") && contains(r.error().message, "corrupt.png"), r.error().message.c_str());
    }

    void badFoldersGiveClearErrors()
    {
        auto p = tiny();
        QTemporaryDir dir;
        const std::string root = dir.path().toStdString();
        const std::string good = root + "/good";
        QVERIFY(p.model->save(good).ok());

        const auto copy = [&](const std::string &name) {
            const std::string f = root + "/" + name;
            fs::copy(good, f, fs::copy_options::recursive);
            return f;
        };

        QVERIFY(contains(errorOf(root + "/nowhere"), "nowhere"));

        const std::string noConfig = copy("noconfig");
        fs::remove(noConfig + "/config.json");
        QVERIFY(contains(errorOf(noConfig), "config.json"));
        QVERIFY(!inspectModel(noConfig).ok());

        // llama, qwen2 and qwen3 load now (text decoders); a family with no decoder here is refused.
        const std::string mistral = copy("mistral");
        {
            std::ifstream in(mistral + "/config.json");
            auto j = nlohmann::json::parse(in);
            j["model_type"] = "mistral";
            j["architectures"] = {"MistralForCausalLM"};
            std::ofstream(mistral + "/config.json") << j.dump();
        }
        const std::string archError = errorOf(mistral);
        QVERIFY2(contains(archError, "unsupported architecture mistral in " + mistral + "/config.json"), archError.c_str());

        auto tensors = SafetensorsFile::open(good + "/model.safetensors");
        QVERIFY(tensors.ok());
        const auto rewrite = [&](const std::string &folder, const std::string &drop, const std::string &reshape) {
            std::vector<std::pair<std::string, torch::Tensor>> out;
            for (const std::string &n : tensors.value()->names()) {
                if (n == drop)
                    continue;
                torch::Tensor t = toTensor(*tensors.value()->find(n));
                if (n == reshape)
                    t = torch::zeros({t.size(0) + 1, t.size(1)});
                out.emplace_back(n, t);
            }
            QVERIFY(writeSafetensors(folder + "/model.safetensors", out).ok());
        };
        const std::string missing = copy("missing");
        rewrite(missing, "model.language_model.layers.1.self_attn.k_proj.weight", "");
        const std::string missingError = errorOf(missing);
        QVERIFY2(contains(missingError, "model.language_model.layers.1.self_attn.k_proj.weight") &&
                     contains(missingError, missing + "/model.safetensors"),
                 missingError.c_str());

        const std::string shaped = copy("shaped");
        rewrite(shaped, "", "model.visual.blocks.0.attn.qkv.weight");
        const std::string shapeError = errorOf(shaped);
        QVERIFY2(contains(shapeError, "model.visual.blocks.0.attn.qkv.weight") && contains(shapeError, "shape") &&
                     contains(shapeError, shaped + "/model.safetensors"),
                 shapeError.c_str());

        const std::string truncated = copy("truncated");
        fs::resize_file(truncated + "/model.safetensors", fs::file_size(truncated + "/model.safetensors") / 2);
        const std::string truncError = errorOf(truncated);
        QVERIFY2(contains(truncError, "model.safetensors"), truncError.c_str());

        // Devices and precisions that cannot work are refused up front.
        ProxyOptions opts;
        opts.precision = "int3";
        QVERIFY(!loadProxy("builtin-tiny", opts).ok());
        opts = {};
        opts.device = "tpu";
        QVERIFY(!loadProxy("builtin-tiny", opts).ok());
    }

    void inspectBuiltin()
    {
        auto info = inspectModel("builtin-tiny");
        QVERIFY(info.ok());
        QCOMPARE(info->architecture, std::string("builtin-tiny"));
        int64_t actual = 0;
        for (const auto &t : tiny().model->module().parameters())
            actual += t.numel();
        QCOMPARE(info->parameterCount, actual);
        QVERIFY(!availableDevices().empty());
        QVERIFY(!torchVersion().empty());
    }
};

QTEST_GUILESS_MAIN(TstProxy)
#include "tst_proxy.moc"
