// The native Qwen2-VL / Qwen2.5-VL against Hugging Face transformers on tiny random models
// (fixtures written by tools/gen_model_fixtures.py): logits, per-sample loss and gradients in fp32,
// and the older and newer checkpoint key layouts giving the same model.
#include "core/model/internal/QwenVisionLanguageModel.h"
#include "core/model/internal/SafetensorsTorch.h"
#include "ReferenceFixtures.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>

using namespace ost;
using namespace ost::model;
using ost::testing::cosine;
using ost::testing::readAll;

namespace {

const std::string kFixtures = std::string(OST_FIXTURE_DIR) + "/models/";

std::shared_ptr<QwenVisionLanguageModel> loadFixtureModel(const std::string &folder)
{
    auto config = QwenVLConfig::load(folder + "/config.json");
    if (!config)
        qFatal("%s", config.error().message.c_str());
    auto checkpoint = SafetensorsCheckpoint::open(folder);
    if (!checkpoint)
        qFatal("%s", checkpoint.error().message.c_str());
    auto model = QwenVisionLanguageModel::load(config.value(), checkpoint.value(), folder, torch::kFloat);
    if (!model)
        qFatal("%s", model.error().message.c_str());
    return model.value();
}

ModelBatch fixtureBatch(const std::string &name)
{
    auto in = readAll(kFixtures + name + "/inputs.safetensors");
    return ModelBatch{in["input_ids"], in["attention_mask"], in["labels"], in["pixel_values"], in["image_grid_thw"]};
}

} // namespace

class TstQwen2VLReference : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }

    void matchesTransformers_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("qwen2_vl") << "qwen2_vl_tiny";
        QTest::newRow("qwen2_5_vl") << "qwen2_5_vl_tiny";
    }
    void matchesTransformers()
    {
        QFETCH(QString, name);
        const std::string fixture = name.toStdString();
        auto model = loadFixtureModel(kFixtures + fixture + "/model");
        const ModelBatch batch = fixtureBatch(fixture);
        auto expected = readAll(kFixtures + fixture + "/expected.safetensors");

        torch::Tensor logits;
        {
            torch::NoGradGuard noGrad;
            logits = model->logits(batch);
        }
        QCOMPARE(logits.sizes().vec(), expected["logits"].sizes().vec());
        const double maxLogitDiff = (logits - expected["logits"]).abs().max().item<double>();

        torch::Tensor loss = model->perSampleLoss(batch);
        const torch::Tensor refLoss = expected["per_sample_loss"];
        const double lossRel = ((loss.detach() - refLoss).abs() / refLoss.abs()).max().item<double>();
        // transformers' own loss is the token-weighted mean over the batch.
        const torch::Tensor counts = (batch.labels.narrow(1, 1, batch.labels.size(1) - 1) != kIgnoreIndex).sum(1).to(torch::kFloat);
        const double batchLoss = ((loss.detach() * counts).sum() / counts.sum()).item<double>();
        const double hfLossRel = std::abs(batchLoss - expected["hf_loss"].item<double>()) / expected["hf_loss"].item<double>();

        model->module().zero_grad();
        loss.sum().backward();
        auto params = model->module().named_parameters();
        auto file = SafetensorsFile::open(kFixtures + fixture + "/expected.safetensors");
        const auto names = nlohmann::json::parse(file.value()->metadata().at("grad_params")).get<std::vector<std::string>>();
        QString report = QString("%1: max |logit diff| %2, loss rel diff %3, hf batch loss rel diff %4, transformers %5")
                             .arg(name)
                             .arg(maxLogitDiff, 0, 'g', 3)
                             .arg(lossRel, 0, 'g', 3)
                             .arg(hfLossRel, 0, 'g', 3)
                             .arg(QString::fromStdString(file.value()->metadata().at("transformers")));
        double worstCosine = 1.0;
        for (const std::string &p : names) {
            const torch::Tensor *param = params.find(p);
            QVERIFY2(param, p.c_str());
            QVERIFY2(param->grad().defined(), ("no gradient for " + p).c_str());
            const double c = cosine(param->grad(), expected["grad." + p]);
            worstCosine = std::min(worstCosine, c);
            report += QString("\n  grad cosine %1 %2 (1 - cos = %3)").arg(QString::fromStdString(p)).arg(c, 0, 'f', 9).arg(1.0 - c, 0, 'g', 3);
            QVERIFY2(c >= 0.9999, (p + " gradient cosine " + std::to_string(c)).c_str());
        }
        qInfo().noquote() << report;
        QVERIFY2(maxLogitDiff <= 1e-4, std::to_string(maxLogitDiff).c_str());
        QVERIFY2(lossRel <= 1e-5, std::to_string(lossRel).c_str());
        QVERIFY2(hfLossRel <= 1e-5, std::to_string(hfLossRel).c_str());
    }

    // transformers 5 still writes the older layout (visual.*, model.*); rename to the newer one
    // (model.visual.*, model.language_model.*) and check the same model comes back.
    void bothKeyLayoutsLoad()
    {
        const std::string folder = kFixtures + "qwen2_vl_tiny/model";
        auto original = readAll(folder + "/model.safetensors");
        std::vector<std::pair<std::string, torch::Tensor>> renamed;
        int legacyKeys = 0;
        for (const auto &[name, t] : original) {
            std::string n = name;
            if (n.rfind("visual.", 0) == 0)
                n = "model." + n, ++legacyKeys;
            else if (n.rfind("model.", 0) == 0)
                n = "model.language_model." + n.substr(6), ++legacyKeys;
            renamed.emplace_back(n, t);
        }
        QVERIFY(legacyKeys > 10);
        QTemporaryDir dir;
        const std::string newFolder = dir.path().toStdString();
        std::filesystem::copy_file(folder + "/config.json", newFolder + "/config.json");
        QVERIFY(writeSafetensors(newFolder + "/model.safetensors", renamed).ok());

        auto a = loadFixtureModel(folder);
        auto b = loadFixtureModel(newFolder);
        const ModelBatch batch = fixtureBatch("qwen2_vl_tiny");
        torch::NoGradGuard noGrad;
        QVERIFY(torch::equal(a->logits(batch), b->logits(batch)));
    }
};

QTEST_GUILESS_MAIN(TstQwen2VLReference)
#include "tst_qwen2vl_reference.moc"
