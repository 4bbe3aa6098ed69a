// The text-only decoders (qwen2, llama, qwen3) against Hugging Face transformers on tiny random
// models (fixtures written by tools/gen_text_decoder_fixtures.py): each family loaded from its GGUF
// file (quantised weights, llama's permuted q/k) and from its Hugging Face folder; logits, per-sample
// loss and gradients in fp32; the cached-prefix loss; the chat template's system prompt; and GGUF
// headers that disagree with their tensors.
#include "core/model/Gguf.h"
#include "core/model/internal/GgufProxy.h"
#include "core/model/internal/QwenVisionLanguageModel.h"
#include "core/model/internal/SafetensorsTorch.h"
#include "ReferenceFixtures.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <fstream>

using namespace ost;
using namespace ost::model;
using ost::testing::cosine;
using ost::testing::readAll;

namespace {

const std::string kFixtures = std::string(OST_FIXTURE_DIR) + "/text_decoders/";

ModelBatch fixtureBatch(const std::string &name)
{
    auto in = readAll(kFixtures + name + "/inputs.safetensors");
    return ModelBatch{in["input_ids"], in["attention_mask"], in["labels"], {}, {}};
}

LoadedProxy load(const std::string &spec)
{
    auto proxy = loadProxy(spec);
    if (!proxy)
        qFatal("%s", proxy.error().message.c_str());
    return proxy.value();
}

// Real logits only: pad positions are not compared (transformers computes them differently).
double maxLogitDiff(const torch::Tensor &a, const torch::Tensor &b, const torch::Tensor &mask)
{
    const torch::Tensor keep = mask.to(torch::kBool).unsqueeze(-1).expand_as(a);
    return (a - b).abs().masked_select(keep).max().item<double>();
}

std::string writeBytes(const QTemporaryDir &dir, const std::string &name, const std::string &bytes)
{
    const std::string path = dir.path().toStdString() + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

std::vector<int64_t> idsOf(const torch::Tensor &t)
{
    const torch::Tensor c = t.contiguous().to(torch::kLong);
    return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

std::string readBytes(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace

class TstTextDecoders : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(1); }

    void matchesTransformers_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("spec");
        for (const char *family : {"qwen2", "llama", "qwen3"}) {
            QTest::newRow((std::string(family) + " gguf").c_str()) << family << "model.gguf";
            QTest::newRow((std::string(family) + " folder").c_str()) << family << "hf";
        }
        QTest::newRow("llama3 rope scaling, folder") << "llama3_hf" << "hf";
    }
    void matchesTransformers()
    {
        QFETCH(QString, name);
        QFETCH(QString, spec);
        const std::string fixture = name.toStdString();
        LoadedProxy proxy = load(kFixtures + fixture + "/" + spec.toStdString());
        VisionLanguageModel &model = *proxy.model;
        QVERIFY(!model.readsImages());
        const ModelBatch batch = fixtureBatch(fixture);
        auto expected = readAll(kFixtures + fixture + "/expected.safetensors");

        torch::Tensor logits;
        {
            torch::NoGradGuard noGrad;
            logits = model.logits(batch);
        }
        QCOMPARE(logits.sizes().vec(), expected["logits"].sizes().vec());
        const double logitDiff = maxLogitDiff(logits, expected["logits"], batch.attentionMask);
        torch::Tensor loss = model.perSampleLoss(batch);
        const double lossRel = ((loss.detach() - expected["per_sample_loss"]).abs() / expected["per_sample_loss"].abs())
                                   .max()
                                   .item<double>();
        model.module().zero_grad();
        loss.sum().backward();
        auto params = model.module().named_parameters();
        auto file = SafetensorsFile::open(kFixtures + fixture + "/expected.safetensors");
        const auto names = nlohmann::json::parse(file.value()->metadata().at("grad_params")).get<std::vector<std::string>>();
        QString report = QString("%1 %2: max |logit diff| %3, loss rel diff %4")
                             .arg(name, spec)
                             .arg(logitDiff, 0, 'g', 3)
                             .arg(lossRel, 0, 'g', 3);
        for (const std::string &p : names) {
            const torch::Tensor *param = params.find(p);
            QVERIFY2(param, p.c_str());
            QVERIFY2(param->grad().defined(), ("no gradient for " + p).c_str());
            const double c = cosine(param->grad(), expected["grad." + p]);
            report += QString("\n  grad cosine %1 %2").arg(QString::fromStdString(p)).arg(c, 0, 'f', 9);
            QVERIFY2(c >= 0.9999, (p + " gradient cosine " + std::to_string(c)).c_str());
        }
        qInfo().noquote() << report;
        QVERIFY2(logitDiff <= 1e-4, std::to_string(logitDiff).c_str());
        QVERIFY2(lossRel <= 1e-5, std::to_string(lossRel).c_str());
    }

    // The loss from cached hidden states equals the loss in one go, at every split.
    void prefixSplitEqualsWhole()
    {
        LoadedProxy proxy = load(kFixtures + "qwen3/model.gguf");
        VisionLanguageModel &model = *proxy.model;
        const ModelBatch batch = fixtureBatch("qwen3");
        torch::NoGradGuard noGrad;
        const torch::Tensor whole = model.perSampleLoss(batch);
        for (int block = 0; block <= model.decoderBlockCount(); ++block) {
            const torch::Tensor split = model.perSampleLossFrom(batch, model.hiddenBeforeBlock(batch, block), block);
            const double rel = ((split - whole).abs() / whole.abs()).max().item<double>();
            QVERIFY2(rel <= 1e-6, ("block " + std::to_string(block) + ": " + std::to_string(rel)).c_str());
        }
    }

    // The default system prompt comes from the model's own chat template, GGUF or folder.
    void systemPromptFromTemplate()
    {
        LoadedProxy gguf = load(kFixtures + "llama/model.gguf");
        LoadedProxy folder = load(kFixtures + "llama/hf");
        Sample s;
        s.id = "q1";
        s.turns = {{"user", "<image>\nHow many?"}, {"assistant", "Two."}};
        s.images = {"missing.png"};
        s.resolvedImages = {""};
        auto a = gguf.encoder->encode(s);
        QVERIFY2(a.ok(), a.ok() ? "" : a.error().message.c_str());
        const std::string text = gguf.encoder->tokenizer().decode(idsOf(a->inputIds));
        QVERIFY2(text.find("<|im_start|>system\nFixture prompt.<|im_end|>\n") == 0, text.c_str());
        // A text-only proxy drops the placeholder (and its newline) and never opens the image.
        QVERIFY2(text.find("<|im_start|>user\nHow many?<|im_end|>\n<|im_start|>assistant\nTwo.<|im_end|>\n") !=
                     std::string::npos,
                 text.c_str());
        QVERIFY(!a->pixelValues.defined());
        auto b = folder.encoder->encode(s);
        QVERIFY(b.ok());
        const std::string folderText = folder.encoder->tokenizer().decode(idsOf(b->inputIds));
        QVERIFY2(folderText.find("Folder prompt.") != std::string::npos, folderText.c_str());
    }

    void chatmlTemplates()
    {
        const std::string qwen = "{%- else %}\n{{- '<|im_start|>system\\n' + messages[0]['content'] }}\n"
                                 "{{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful "
                                 "assistant.<|im_end|>\\n' }}{{'<|im_start|>' + message.role}}";
        auto p = chatmlDefaultSystemPrompt(qwen, "t");
        QVERIFY(p.ok());
        QCOMPARE(p.value(), std::string("You are Qwen, created by Alibaba Cloud. You are a helpful assistant."));
        auto none = chatmlDefaultSystemPrompt("{{'<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>'}}", "t");
        QVERIFY(none.ok());
        QCOMPARE(none.value(), std::string());
        auto llama3 = chatmlDefaultSystemPrompt("{{'<|start_header_id|>' + m.role + '<|end_header_id|>'}}", "x.gguf");
        QVERIFY(!llama3.ok());
        QVERIFY2(llama3.error().message.find("x.gguf") != std::string::npos, llama3.error().message.c_str());
    }

    // A header that claims more blocks than the file holds, or shapes the tensors do not have,
    // fails before the model is allocated, naming the file and the tensor.
    void headersThatDisagreeFail()
    {
        const std::string original = readBytes(kFixtures + "llama/model.gguf");
        QTemporaryDir dir;
        // block_count is a u32 right after its key; 2 -> 1000000000.
        const std::string key = "llama.block_count";
        const size_t at = original.find(key);
        QVERIFY(at != std::string::npos);
        const size_t value = at + key.size() + 4; // after the value type
        std::string many = original;
        const uint32_t billion = 1000000000;
        std::memcpy(&many[value], &billion, 4);
        QElapsedTimer timer;
        timer.start();
        auto r = loadProxy(writeBytes(dir, "many.gguf", many));
        QVERIFY(!r.ok());
        QVERIFY2(timer.elapsed() < 1000, std::to_string(timer.elapsed()).c_str());
        QVERIFY2(r.error().message.find("many.gguf") != std::string::npos, r.error().message.c_str());
        // One block more than the file holds: the missing tensor is named.
        std::string three = original;
        const uint32_t threeBlocks = 3;
        std::memcpy(&three[value], &threeBlocks, 4);
        auto t = loadProxy(writeBytes(dir, "three.gguf", three));
        QVERIFY(!t.ok());
        QVERIFY2(t.error().message.find("three.gguf") != std::string::npos &&
                     t.error().message.find("blk.2.attn_norm.weight") != std::string::npos,
                 t.error().message.c_str());
        // Fewer blocks than the file has: a truncated model must not load.
        std::string few = original;
        const uint32_t one = 1;
        std::memcpy(&few[value], &one, 4);
        auto f = loadProxy(writeBytes(dir, "few.gguf", few));
        QVERIFY(!f.ok());
        QVERIFY2(f.error().message.find("blk.1.") != std::string::npos, f.error().message.c_str());
        // A width that disagrees with the tensors.
        const std::string widthKey = "llama.embedding_length";
        std::string wide = original;
        const size_t w = wide.find(widthKey) + widthKey.size() + 4;
        const uint32_t width = 128;
        std::memcpy(&wide[w], &width, 4);
        auto s = loadProxy(writeBytes(dir, "wide.gguf", wide));
        QVERIFY(!s.ok());
        QVERIFY2(s.error().message.find("shape") != std::string::npos, s.error().message.c_str());
    }

    void tensorNames()
    {
        QCOMPARE(ggufTensorName("model.language_model.layers.3.mlp.up_proj.weight"), std::string("blk.3.ffn_up.weight"));
        QCOMPARE(ggufTensorName("model.language_model.layers.0.self_attn.k_norm.weight"),
                 std::string("blk.0.attn_k_norm.weight"));
        QCOMPARE(ggufTensorName("model.language_model.embed_tokens.weight"), std::string("token_embd.weight"));
        QCOMPARE(ggufTensorName("lm_head.weight"), std::string("output.weight"));
        QCOMPARE(ggufTensorName("model.visual.blocks.0.attn.qkv.weight"), std::string());
    }
};

QTEST_GUILESS_MAIN(TstTextDecoders)
#include "tst_text_decoders.moc"
