// OST utilities of the real SmolLM2-135M proxy against the same computation in Python/transformers
// on 12 real GSM8K answers (V = the first 16 reference solutions, SGD step on the last 4 blocks,
// η = 1e-3): exact utilities, and fast mode against the first-order value η·<∇L_V, g_z> that it
// estimates. The fixture tests/fixtures/text_decoders/real_ost_smollm2.json is the output of
//   python3 tools/ost_transformers_reference.py score --gguf SmolLM2-135M-Instruct.Q4_1.gguf
//       --data 12-records.jsonl --reference ../shared/data/gsm8k/reference.jsonl --limit 12 --first-order
// (the 12 records are lines of ../shared/data/gsm8k/pool.jsonl, looked up here by id). Fast mode's
// finite difference once left the linear regime on this model (every answer ≈ −0.016); this is the
// check on a real model. Skips without the model file (OST_MODELS_DIR) or ../shared.
#include "core/data/Dataset.h"
#include "core/model/internal/VisionLanguageModel.h"
#include "core/ost/Metrics.h"
#include "core/ost/internal/ExactOneStepScorer.h"
#include "core/ost/internal/FastOneStepScorer.h"

#include "../RealModels.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace ost;

namespace {

const std::string kFixture = std::string(OST_FIXTURE_DIR) + "/text_decoders/real_ost_smollm2.json";
const std::string kData = std::string(OST_SHARED_DIR) + "/data/gsm8k";


} // namespace

class TstRealOst : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void utilitiesMatchTransformers()
    {
        std::ifstream in(kFixture);
        QVERIFY2(in, "tests/fixtures/text_decoders/real_ost_smollm2.json is missing");
        const auto fx = nlohmann::json::parse(in);
        const std::string path = ost::testing::realModelsDir() + "/" + fx["gguf"].get<std::string>();
        if (!std::filesystem::exists(path))
            QSKIP(qPrintable("no " + QString::fromStdString(path) +
                             " (tools/fetch-pretrained.sh DIR fetches it; OST_MODELS_DIR=DIR points here)"));
        if (!std::filesystem::exists(kData + "/pool.jsonl"))
            QSKIP("../shared/data/gsm8k is absent");

        torch::set_num_threads(2);
        model::ProxyOptions options;
        options.maxTokens = fx["max_tokens"].get<int64_t>();
        auto proxy = model::loadProxy(path, options);
        QVERIFY2(proxy.ok(), proxy.ok() ? "" : proxy.error().message.c_str());
        auto &net = *proxy->model;
        net.module().eval();
        const auto encodeFile = [&](const std::string &file, const std::function<bool(const Sample &)> &take) {
            std::vector<model::EncodedSample> out;
            auto ds = Dataset::open(file);
            if (!ds.ok())
                return out;
            for (int64_t i = 0; i < ds.value()->size(); ++i)
                if (auto s = ds.value()->sample(i); s.ok() && take(s.value()))
                    out.push_back(proxy->encoder->encode(s.value()).takeValue());
            return out;
        };
        const int64_t vSize = fx["reference_max"].get<int64_t>();
        const auto refs = encodeFile(kData + "/reference.jsonl", [&, n = int64_t(0)](const Sample &) mutable {
            return n++ < vSize;
        });
        const auto pool = encodeFile(kData + "/pool.jsonl", [&](const Sample &s) {
            return fx["utilities"].contains(s.id);
        });
        QCOMPARE(int64_t(refs.size()), vSize);
        QCOMPARE(pool.size(), fx["utilities"].size());
        const auto collate = [&](const std::vector<model::EncodedSample> &e) {
            return model::collate(e, proxy->encoder->padTokenId(), torch::kCPU);
        };
        std::vector<model::ModelBatch> batches;
        for (size_t i = 0; i < refs.size(); i += 8)
            batches.push_back(collate({refs.begin() + i, refs.begin() + std::min(refs.size(), i + 8)}));
        scoring::ReferenceLoss reference(std::move(batches));
        auto params = scoring::selectParameters(net, "last:" + std::to_string(fx["last"].get<int>())).takeValue();
        reference.cachePrefix(net, scoring::firstSteppedBlock(net, params));
        const double lv = reference.evaluate(net);
        const double lr = fx["lr"].get<double>();
        QVERIFY2(std::abs(lv - fx["reference_loss"].get<double>()) <= 1e-4 * lv, qPrintable(QString::number(lv)));

        // Fast mode: every sample against η·<∇L_V, g_z>.
        scoring::FastOneStepScorer fast(net, params, reference, lr);
        const auto f = fast.score(collate(pool));
        std::vector<double> want, got;
        double worst = 0;
        for (size_t i = 0; i < pool.size(); ++i) {
            const double w = fx["first_order"][pool[i].id].get<double>();
            want.push_back(w);
            got.push_back(f[i]);
            worst = std::max(worst, std::abs(f[i] - w) / std::max(std::abs(w), 1e-4));
        }
        const double rho = spearman(want, got);
        qInfo("fast vs transformers' first-order value on %d answers: worst relative diff %.2e, Spearman %.4f",
              int(pool.size()), worst, rho);
        QVERIFY2(worst <= 0.02, qPrintable(QString::number(worst)));
        QVERIFY2(rho >= 0.99, qPrintable(QString::number(rho)));

        // Exact mode on four of them (each is a backward pass and a pass over V).
        scoring::ExactOneStepScorer exact(net, params, reference, scoring::StepRule::parse("sgd", lr).takeValue(), lv);
        double worstExact = 0;
        for (size_t i = 0; i < 4; ++i) {
            const double w = fx["utilities"][pool[i].id].get<double>();
            const double u = exact.score(collate({pool[i]})).utility;
            worstExact = std::max(worstExact, std::abs(u - w) / std::max(std::abs(w), 1e-4));
        }
        qInfo("exact vs transformers on 4 answers: worst relative diff %.2e", worstExact);
        QVERIFY2(worstExact <= 0.01, qPrintable(QString::number(worstExact)));
    }
};

QTEST_GUILESS_MAIN(TstRealOst)
#include "tst_real_ost.moc"
