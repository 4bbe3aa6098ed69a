#include "core/demo/SyntheticMathSet.h"

#include <QtTest>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace ost;
namespace fs = std::filesystem;

namespace {

std::string readAll(const fs::path &p)
{
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Every file below root, relative path -> bytes.
std::map<std::string, std::string> snapshot(const fs::path &root)
{
    std::map<std::string, std::string> out;
    for (const auto &e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file())
            out[fs::relative(e.path(), root).string()] = readAll(e.path());
    return out;
}

SyntheticOptions small()
{
    SyntheticOptions o;
    o.count = 60;
    o.referenceCount = 8;
    o.heldoutCount = 8;
    return o;
}

} // namespace

class TstSyntheticSet : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    SyntheticSetPaths m_set; // the default 400-sample set, written once

    std::string folder(const char *name) const { return (m_dir.path() + "/" + name).toStdString(); }

private Q_SLOTS:
    void initTestCase()
    {
        auto set = writeSyntheticMathSet(folder("default"));
        QVERIFY2(set.ok(), set.ok() ? "" : set.error().message.c_str());
        m_set = set.takeValue();
    }

    void sameSeedSameBytes()
    {
        QVERIFY(writeSyntheticMathSet(folder("a"), small()).ok());
        QVERIFY(writeSyntheticMathSet(folder("b"), small()).ok());
        const auto a = snapshot(folder("a"));
        QCOMPARE(a.size(), size_t(60 + 8 + 8 + 4)); // images + three JSONL + labels
        QVERIFY(a == snapshot(folder("b")));

        SyntheticOptions other = small();
        other.seed = 2;
        QVERIFY(writeSyntheticMathSet(folder("c"), other).ok());
        QVERIFY(readAll(folder("a") + "/pool.jsonl") != readAll(folder("c") + "/pool.jsonl"));
    }

    void referenceDoesNotDependOnPoolSize()
    {
        SyntheticOptions bigger = small();
        bigger.count = 90;
        const auto a = generateSyntheticRecords(small()).value();
        const auto b = generateSyntheticRecords(bigger).value();
        QCOMPARE(a.back().id, b.back().id);
        QCOMPARE(a.back().answer, b.back().answer);
        QCOMPARE(a.back().sceneSeed, b.back().sceneSeed);
    }

    void toxicRatesAndSplits()
    {
        std::map<std::string, int> kinds;
        int reference = 0, heldout = 0;
        for (const auto &r : m_set.records) {
            if (r.split == "pool")
                ++kinds[syntheticKindName(r.kind)];
            else
                QVERIFY2(!r.toxic(), r.id.c_str()); // V and the held-out set are clean
            reference += r.split == "reference";
            heldout += r.split == "heldout";
        }
        QCOMPARE(reference, 40);
        QCOMPARE(heldout, 100);
        QVERIFY(std::abs(kinds["wrong-answer"] - 60) <= 1); // 15% of 400
        QVERIFY(std::abs(kinds["wrong-image"] - 60) <= 1);
        QCOMPARE(kinds["clean"] + kinds["wrong-answer"] + kinds["wrong-image"], 400);

        SyntheticOptions none = small();
        none.wrongAnswerRate = none.wrongImageRate = 0;
        const auto clean = generateSyntheticRecords(none);
        QVERIFY(clean.ok());
        for (const auto &r : clean.value())
            QVERIFY(!r.toxic());
    }

    void poolIsMessagesJsonl()
    {
        std::ifstream in(m_set.pool);
        std::string line;
        size_t n = 0;
        std::map<std::string, const SyntheticRecord *> byId;
        for (const auto &r : m_set.records)
            byId[r.id] = &r;
        std::map<std::string, std::set<std::string>> openings; // writer -> first words of its answers
        while (std::getline(in, line)) {
            const auto j = nlohmann::json::parse(line); // throws (fails the test) on bad JSON
            QVERIFY(j.at("id").is_string());
            const SyntheticRecord &r = *byId.at(j["id"].get<std::string>());
            const auto &messages = j.at("messages");
            QCOMPARE(messages.size(), size_t(2));
            QCOMPARE(messages[0].at("role").get<std::string>(), std::string("user"));
            QCOMPARE(messages[1].at("role").get<std::string>(), std::string("assistant"));
            const std::string user = messages[0].at("content");
            QVERIFY(user.rfind("<image>\n", 0) == 0);
            QVERIFY(user.find(r.askedColor + " " + r.askedShape) != std::string::npos);
            const std::string answer = messages[1].at("content");
            QVERIFY2(answer.size() < 80, answer.c_str());
            QCOMPARE(extractFinalAnswer(answer), std::optional<int>(r.statedAnswer));
            QCOMPARE(j.at("images").size(), size_t(1));
            QVERIFY(fs::exists(fs::path(m_set.folder) / j["images"][0].get<std::string>()));
            // the writer ("source") decides the phrasing: one opening word per writer
            QCOMPARE(j.at("source").get<std::string>(), r.source);
            openings[r.source].insert(answer.substr(0, answer.find(' ')));
            ++n;
        }
        QCOMPARE(n, size_t(400));
        QCOMPARE(openings.size(), size_t(3));
        for (const auto &[writer, words] : openings)
            QVERIFY2(words.size() == 1, writer.c_str());
    }

    // Decodes every image and counts separate blobs: the picture must show exactly drawnCount shapes
    // of drawnColor, so wrong-image samples really contradict their text and clean ones agree.
    void imagesShowWhatTheRecordSays()
    {
        for (const auto &r : m_set.records) {
            const cv::Mat img = cv::imread(m_set.folder + "/" + r.image, cv::IMREAD_COLOR);
            QVERIFY2(!img.empty(), r.image.c_str());
            QCOMPARE(img.cols, 112);
            QCOMPARE(img.rows, 112);
            cv::Mat gray, mask, labels;
            cv::cvtColor(img, gray, cv::COLOR_BGR2GRAY);
            cv::threshold(gray, mask, 250, 255, cv::THRESH_BINARY_INV);
            const int blobs = cv::connectedComponents(mask, labels, 8) - 1;
            QVERIFY2(blobs == r.drawnCount, qPrintable(QString("%1: %2 blobs, record says %3")
                                                           .arg(QString::fromStdString(r.id)).arg(blobs).arg(r.drawnCount)));
            const cv::Scalar mean = cv::mean(img, mask);
            const int strongest = mean[2] >= mean[1] && mean[2] >= mean[0] ? 2 : mean[1] >= mean[0] ? 1 : 0;
            const int expected = r.drawnColor == "red" ? 2 : r.drawnColor == "green" ? 1 : 0;
            QCOMPARE(strongest, expected);

            switch (r.kind) {
            case SyntheticKind::Clean:
                QCOMPARE(r.statedAnswer, r.drawnCount);
                QCOMPARE(r.trueAnswer, r.drawnCount);
                break;
            case SyntheticKind::WrongAnswer:
                QVERIFY(r.statedAnswer != r.trueAnswer);
                QCOMPARE(r.drawnCount, r.trueAnswer);
                break;
            case SyntheticKind::WrongImage:
                QVERIFY(r.drawnCount != r.statedAnswer);
                QVERIFY(r.trueAnswer != r.statedAnswer);
                break;
            }
        }
    }

    void labelsRoundTrip()
    {
        auto labels = readSyntheticLabels(m_set.labels);
        QVERIFY(labels.ok());
        QCOMPARE(labels->size(), m_set.records.size());
        for (const auto &r : m_set.records) {
            const SyntheticLabel &l = labels->at(r.id);
            QCOMPARE(l.toxic, r.toxic());
            QCOMPARE(l.kind, syntheticKindName(r.kind));
            QCOMPARE(l.answer, r.trueAnswer);
        }
        QVERIFY(!readSyntheticLabels(m_set.pool).ok());
        QVERIFY(!readSyntheticLabels(folder("absent.csv")).ok());
    }

    void finalAnswers()
    {
        QCOMPARE(extractFinalAnswer("There are 4 red circles. The answer is 4."), std::optional<int>(4));
        QCOMPARE(extractFinalAnswer("I count 3, no 5. The Answer is: 5"), std::optional<int>(5));
        QCOMPARE(extractFinalAnswer("So the answer is $\\boxed{12}$."), std::optional<int>(12));
        QCOMPARE(extractFinalAnswer("Thus \\boxed{7}"), std::optional<int>(7));
        QCOMPARE(extractFinalAnswer("first 2 then 9 circles"), std::optional<int>(9));
        QCOMPARE(extractFinalAnswer("the answer is -3."), std::optional<int>(-3));
        QCOMPARE(extractFinalAnswer("The answer is unclear, maybe 6"), std::optional<int>(6));
        QCOMPARE(extractFinalAnswer("no number here"), std::optional<int>());
        QCOMPARE(extractFinalAnswer(""), std::optional<int>());
        QCOMPARE(extractFinalAnswer("answer is 99999999999999999999"), std::optional<int>());
    }

    void badOptionsAndFolders()
    {
        SyntheticOptions o = small();
        o.task = "colour";
        QVERIFY(!generateSyntheticRecords(o).ok());
        o = small();
        o.wrongAnswerRate = 0.7;
        o.wrongImageRate = 0.5;
        QVERIFY(!generateSyntheticRecords(o).ok());
        o = small();
        o.count = 0;
        QVERIFY(!generateSyntheticRecords(o).ok());
        // A regular file where the folder should be.
        { std::ofstream(folder("file")) << "x"; }
        auto r = writeSyntheticMathSet(folder("file") + "/sub", small());
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.find("file") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TstSyntheticSet)
#include "tst_synthetic_set.moc"
