// ost::checkDataset on a generated dataset with known answers: exact duplicate pairs (whitespace and
// case apart), near duplicates of an edited answer at the threshold and not of a different answer,
// duplicate images under other names, image flags reaching the samples, lengths over a cutoff with
// the right count, and the tags the project store keeps.
#include "core/check/CheckResults.h"
#include "core/check/DatasetCheck.h"
#include "core/check/TextFingerprint.h"
#include "core/store/ProjectStore.h"
#include "core/vision/SmartResize.h"

#include <QtTest>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <fstream>

using namespace ost;

namespace {

std::string record(const std::string &id, const std::string &question, const std::string &answer,
                   const std::vector<std::string> &images)
{
    nlohmann::json j;
    j["id"] = id;
    std::string user;
    for (size_t i = 0; i < images.size(); ++i)
        user += "<image>\n";
    j["messages"] = {{{"role", "user"}, {"content", user + question}}, {{"role", "assistant"}, {"content", answer}}};
    j["images"] = images;
    return j.dump();
}

std::string words(int n, const std::string &stem)
{
    std::string s;
    for (int i = 0; i < n; ++i)
        s += (i ? " " : "") + stem + std::to_string(i);
    return s;
}

cv::Mat diagram(int w, int h, int variant)
{
    cv::Mat m(h, w, CV_8UC3, cv::Scalar(255, 255, 255));
    cv::line(m, {10 + variant * 40, h - 10}, {w / 2, 10}, cv::Scalar(0, 0, 0), 2, cv::LINE_AA);
    cv::circle(m, {w / 3 + variant * 30, h / 2}, h / 5, cv::Scalar(0, 0, 0), 2, cv::LINE_AA);
    cv::rectangle(m, {w / 2, h / 2 - variant * 20}, {w - 10, h - 10}, cv::Scalar(0, 0, 0), 2);
    return m;
}

const DuplicateGroup *groupWith(const CheckReport &r, DuplicateKind kind, int64_t member)
{
    for (const auto &g : r.groups)
        if (g.kind == kind && std::find(g.members.begin(), g.members.end(), member) != g.members.end())
            return &g;
    return nullptr;
}

bool hasTag(const std::vector<std::pair<std::string, std::string>> &tags, const std::string &id, const std::string &tag)
{
    return std::find(tags.begin(), tags.end(), std::make_pair(id, std::string("check:") + tag)) != tags.end();
}

} // namespace

class TstChecks : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::string m_path;
    std::unique_ptr<Dataset> m_ds;
    std::string m_base, m_edited;

    std::string file(const std::string &name) const { return m_dir.filePath(QString::fromStdString(name)).toStdString(); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(cv::imwrite(file("a.png"), diagram(280, 210, 0)));
        QVERIFY(cv::imwrite(file("a-copy.bmp"), diagram(280, 210, 0))); // same pixels, other file
        QVERIFY(cv::imwrite(file("b.png"), diagram(280, 210, 3)));
        cv::Mat resized;
        cv::resize(diagram(280, 210, 3), resized, cv::Size(224, 168), 0, 0, cv::INTER_AREA);
        QVERIFY(cv::imwrite(file("b-small.jpg"), resized, {cv::IMWRITE_JPEG_QUALITY, 90})); // looks like b
        QVERIFY(cv::imwrite(file("black.png"), cv::Mat(60, 60, CV_8UC3, cv::Scalar(0, 0, 0))));
        QVERIFY(cv::imwrite(file("tiny.png"), cv::Mat(4, 4, CV_8UC3, cv::Scalar(160, 180, 200))));
        QVERIFY(cv::imwrite(file("wide.png"), diagram(1000, 100, 1)));
        QVERIFY(cv::imwrite(file("big.png"), diagram(1400, 1400, 2))); // 50 x 50 merged tokens = 2500

        // 100 words, 96 shingles. The edit replaces words 48 and 49: 6 shingles change, so
        // J = 90 / 102 = 0.882, near at 0.85 and not at 0.9.
        m_base = words(100, "step");
        std::string edited = m_base;
        edited.replace(edited.find("step48 step49"), std::string("step48 step49").size(), "jump48 jump49");
        m_edited = edited;

        std::ofstream out(m_dir.filePath("data.jsonl").toStdString());
        out << record("ex/0", "What is 2+2?", "It is four, since two and two make four.", {"a.png"}) << "\n"     // 0
            << record("ex/1", "what  is 2+2?", "It is FOUR, since two and\ntwo make four.", {"a-copy.bmp"}) << "\n" // 1 = 0
            << record("ex/2", "What is 2+2?", "It is four, since two and two make four.", {"b.png"}) << "\n"     // 2 other image
            << record("near/0", "Count the steps.", m_base, {"b.png"}) << "\n"                                   // 3
            << record("near/1", "Count the steps again.", m_edited, {"b-small.jpg"}) << "\n"                      // 4 ~ 3
            << record("other/0", "Count the steps.", words(100, "leap"), {"black.png"}) << "\n"                   // 5
            << record("img/tiny", "Q", "short answer here", {"tiny.png"}) << "\n"                                 // 6
            << record("img/wide", "Q", "short answer here too", {"wide.png"}) << "\n"                             // 7
            << record("len/big", "How many?", "Many.", {"big.png"}) << "\n"                                       // 8
            << record("len/text", "Q", std::string(3000, 'x'), {}) << "\n";                                       // 9
        out.close();
        m_path = m_dir.filePath("data.jsonl").toStdString();
        auto ds = Dataset::open(m_path);
        QVERIFY2(ds.ok(), ds.ok() ? "" : ds.error().message.c_str());
        m_ds = ds.takeValue();
        QCOMPARE(m_ds->size(), int64_t(10));
    }

    void exactDuplicatesNeedEqualTextAndPixels()
    {
        CheckOptions o;
        auto r = checkDataset(*m_ds, o);
        QVERIFY(r.ok());
        QCOMPARE(r->groupCount(DuplicateKind::ExactSample), int64_t(1));
        const auto *g = groupWith(r.value(), DuplicateKind::ExactSample, 0);
        QVERIFY(g);
        QCOMPARE(g->members, (std::vector<int64_t>{0, 1})); // 2 has the same text but another picture
        QVERIFY(r->problems.empty());
        // The two files of one picture are an exact image group.
        QCOMPARE(r->groupCount(DuplicateKind::ExactImage), int64_t(1));
        for (const auto &eg : r->groups)
            if (eg.kind == DuplicateKind::ExactImage) {
                QCOMPARE(eg.members.size(), size_t(2));
                QVERIFY(r->images[static_cast<size_t>(eg.members[0])].path.find("a") != std::string::npos);
            }
    }

    void nearAnswersAtTheThreshold()
    {
        const double j = jaccard(wordShingles(m_base), wordShingles(m_edited));
        QVERIFY2(std::abs(j - 90.0 / 102.0) < 1e-12, qPrintable(QString::number(j)));
        CheckOptions o;
        o.nearTextThreshold = 0.85;
        auto r = checkDataset(*m_ds, o);
        QVERIFY(r.ok());
        const auto *g = groupWith(r.value(), DuplicateKind::NearAnswer, 3);
        QVERIFY(g);
        QCOMPARE(g->members, (std::vector<int64_t>{3, 4})); // not 5: a different answer
        QVERIFY(std::abs(g->closest - j) < 1e-12);
        QVERIFY(!groupWith(r.value(), DuplicateKind::NearAnswer, 5));
        // The exact pair 0/1 has identical answers but forms no second, near group; 2 shares the answer.
        const auto *same = groupWith(r.value(), DuplicateKind::NearAnswer, 0);
        QVERIFY(same);
        QCOMPARE(same->members, (std::vector<int64_t>{0, 1, 2}));

        o.nearTextThreshold = 0.9;
        auto strict = checkDataset(*m_ds, o);
        QVERIFY(strict.ok());
        QVERIFY(!groupWith(strict.value(), DuplicateKind::NearAnswer, 3));
    }

    void nearImagesByPerceptualHash()
    {
        auto r = checkDataset(*m_ds, CheckOptions{});
        QVERIFY(r.ok());
        bool found = false;
        for (const auto &g : r->groups)
            if (g.kind == DuplicateKind::NearImage) {
                std::vector<std::string> paths;
                for (int64_t k : g.members)
                    paths.push_back(r->images[static_cast<size_t>(k)].path);
                if (paths.size() == 2 && paths[0] == file("b-small.jpg") && paths[1] == file("b.png"))
                    found = true;
                for (const auto &p : paths)
                    QVERIFY2(p != file("black.png") && p != file("wide.png"), p.c_str());
            }
        QVERIFY(found);
    }

    void imageFlagsReachTheirSamples()
    {
        auto r = checkDataset(*m_ds, CheckOptions{});
        QVERIFY(r.ok());
        QCOMPARE(r->imageIssueCount(ImageIssue::Dark), int64_t(1));
        QCOMPARE(r->imageIssueCount(ImageIssue::Tiny), int64_t(1));
        QCOMPARE(r->imageIssueCount(ImageIssue::OddAspect), int64_t(1));
        const auto tags = checkTags(r.value());
        QVERIFY(hasTag(tags, "other/0", "dark"));
        QVERIFY(hasTag(tags, "img/tiny", "tiny"));
        QVERIFY(hasTag(tags, "img/wide", "odd-aspect"));
        QVERIFY(!hasTag(tags, "near/0", "dark"));
        QVERIFY(hasTag(tags, "ex/1", "exact-duplicate"));
        QVERIFY(!hasTag(tags, "ex/0", "exact-duplicate")); // the representative stays
        QVERIFY(hasTag(tags, "near/1", "near-duplicate") || hasTag(tags, "near/0", "near-duplicate"));
    }

    // Byte tokenizer: each special token of the template (<|im_start|>, <|im_end|>, vision start and
    // end, the image pads) is one token and every other byte one more.
    void lengthCountsImageTokens()
    {
        CheckOptions o;
        o.cutoffLen = 2048;
        auto r = checkDataset(*m_ds, o);
        QVERIFY(r.ok());
        // len/big: 1400 x 1400 is over max_pixels (1003520): smart_resize gives 980 x 980, 70 x 70
        // patches, 1225 merged tokens.
        auto size = smartResize(1400, 1400);
        QVERIFY(size.ok());
        QCOMPARE(size->height, int64_t(980));
        const int64_t pads = (size->height / 14) * (size->width / 14) / 4;
        QCOMPARE(pads, int64_t(1225));
        // "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n"
        // "<|vision_start|>PADS<|vision_end|>\nHow many?<|im_end|>\n<|im_start|>assistant\nMany.<|im_end|>\n"
        const int64_t text = 1 + 7 + 28 + 1 + 1 + 1 + 5 + 1 + 1 + 10 + 1 + 1 + 1 + 10 + 5 + 1 + 1;
        QCOMPARE(r->tokens[8], text + pads);
        // len/text: no image, 3000 answer bytes.
        const int64_t plain = 1 + 7 + 28 + 1 + 1 + 1 + 5 + 1 + 1 + 1 + 1 + 10 + 3000 + 1 + 1;
        QCOMPARE(r->tokens[9], plain);
        QCOMPARE(r->overCutoff.size(), size_t(1));
        QCOMPARE(r->overCutoff[0].index, int64_t(9));
        QVERIFY(!r->overCutoff[0].cutsImage(o.cutoffLen));

        // A cutoff inside len/big's image tokens: over, and the cut falls among them.
        o.cutoffLen = 200;
        auto cut = checkDataset(*m_ds, o);
        QVERIFY(cut.ok());
        const auto it = std::find_if(cut->overCutoff.begin(), cut->overCutoff.end(), [](const SampleLength &L) { return L.index == 8; });
        QVERIFY(it != cut->overCutoff.end());
        QCOMPARE(it->imageTokens, pads);
        QVERIFY(it->cutsImage(200));
        QVERIFY(hasTag(checkTags(cut.value()), "len/big", "cuts-image-tokens"));
        // max_pixels capped as a trainer would: fewer tokens.
        o.maxPixelsCap = 28 * 28 * 64;
        auto capped = checkDataset(*m_ds, o);
        QVERIFY(capped.ok());
        QVERIFY(capped->tokens[8] < r->tokens[8]);
    }

    void missingImageIsAProblemNotACrash()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("broken.jsonl").toStdString();
        {
            std::ofstream out(path);
            out << record("gone", "Q", "A answer of some words here", {"missing.png"}) << "\n";
            out << "{not json\n";
            std::ofstream(dir.filePath("bad.png").toStdString()) << "not a png";
            out << record("bad", "Q", "A answer of some words here", {"bad.png"}) << "\n";
        }
        auto ds = Dataset::open(path);
        QVERIFY(ds.ok());
        auto r = checkDataset(*ds.value(), CheckOptions{});
        QVERIFY(r.ok());
        std::string all;
        for (const auto &p : r->problems)
            all += p.id + ": " + p.message + "\n";
        QVERIFY2(all.find("gone: image 'missing.png' not found") != std::string::npos, all.c_str());
        QVERIFY2(all.find("bad.png") != std::string::npos, all.c_str());
        // Their identical text does not make them exact duplicates: the missing image compares by path.
        QCOMPARE(r->groupCount(DuplicateKind::ExactSample), int64_t(0));
    }

    void badOptionsAreRefused()
    {
        CheckOptions o;
        o.nearTextThreshold = 1.5;
        QVERIFY(!checkDataset(*m_ds, o).ok());
        o = CheckOptions{};
        o.lshBands = 64; // 64 x 4 > 128 permutations
        QVERIFY(!checkDataset(*m_ds, o).ok());
    }

    void storeKeepsTagsAndReport()
    {
        const std::string storePath = file("data.ostproj");
        auto store = ProjectStore::open(storePath);
        QVERIFY(store.ok());
        QVERIFY(store.value()->addTag("ex/1", "mine").ok()); // the curator's own
        QVERIFY(store.value()->addTag("near/0", "check:stale").ok()); // left by an older check
        auto r = checkDataset(*m_ds, CheckOptions{});
        QVERIFY(r.ok());
        const Status saved = saveCheckResults(*store.value(), r.value());
        QVERIFY2(saved.ok(), saved.ok() ? "" : saved.error().message.c_str());
        const auto tags = store.value()->tags("ex/1");
        QVERIFY(std::find(tags.begin(), tags.end(), "mine") != tags.end());
        QVERIFY(std::find(tags.begin(), tags.end(), "check:exact-duplicate") != tags.end());
        const auto near0 = store.value()->tags("near/0");
        QVERIFY(std::find(near0.begin(), near0.end(), "check:stale") == near0.end());
        auto blob = store.value()->blob(kCheckReportBlobKey);
        QVERIFY(blob);
        const auto j = nlohmann::json::parse(*blob);
        QCOMPARE(j["samples"].get<int64_t>(), int64_t(10));
        QCOMPARE(j["tokens"]["len/text"].get<int64_t>(), r->tokens[9]);
        QCOMPARE(j["image_measures"].size(), r->images.size());
        QVERIFY(!store.value()->replaceTagsWithPrefix("check:", {{"x", "other"}}).ok()); // outside the prefix
        QVERIFY(!store.value()->replaceTagsWithPrefix("", {}).ok());
    }
};

QTEST_APPLESS_MAIN(TstChecks)
#include "tst_checks.moc"
