// Writing the demo set to disk: JSONL splits in the messages + images layout, labels.csv, PNGs.
#include "core/demo/SyntheticMathSet.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace ost {

namespace {

std::string jsonLine(const SyntheticRecord &r)
{
    nlohmann::ordered_json j;
    j["id"] = r.id;
    j["messages"] = nlohmann::ordered_json::array(
        {{{"role", "user"}, {"content", "<image>\n" + r.question}}, {{"role", "assistant"}, {"content", r.answer}}});
    j["images"] = nlohmann::ordered_json::array({r.image});
    j["source"] = r.source;
    return j.dump();
}

Status writeText(const std::string &path, const std::string &text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out)
        return Error{path + ": cannot write (" + std::strerror(errno) + ")"};
    return Status::success();
}

Status writeImage(const std::string &folder, const SyntheticRecord &r, int size)
{
    std::vector<uint8_t> pixels = renderSyntheticImage(r, size);
    const cv::Mat img(size, size, CV_8UC3, pixels.data());
    const std::string path = folder + "/" + r.image;
    try {
        if (!cv::imwrite(path, img))
            return Error{path + ": cannot write image"};
    } catch (const cv::Exception &e) {
        return Error{path + ": cannot write image: " + e.what()};
    }
    return Status::success();
}

} // namespace

Result<SyntheticSetPaths> writeSyntheticMathSet(const std::string &folder, const SyntheticOptions &options)
{
    auto records = generateSyntheticRecords(options);
    if (!records.ok())
        return records.error();
    SyntheticSetPaths paths;
    paths.folder = folder;
    paths.pool = folder + "/pool.jsonl";
    paths.reference = folder + "/reference.jsonl";
    paths.heldout = folder + "/heldout.jsonl";
    paths.labels = folder + "/labels.csv";
    paths.images = folder + "/images";
    std::error_code ec;
    fs::create_directories(paths.images, ec);
    if (ec)
        return Error{paths.images + ": cannot create folder (" + ec.message() + ")"};

    std::map<std::string, std::string> jsonl{{"pool", ""}, {"reference", ""}, {"heldout", ""}};
    std::string labels = "id,toxic,kind,answer\n";
    for (const SyntheticRecord &r : *records) {
        if (Status s = writeImage(folder, r, options.imageSize); !s.ok())
            return s.error();
        jsonl[r.split] += jsonLine(r) + "\n";
        labels += r.id + "," + (r.toxic() ? "1" : "0") + "," + syntheticKindName(r.kind) + "," +
                  std::to_string(r.trueAnswer) + "\n";
    }
    for (const auto &[file, text] : {std::pair{paths.pool, jsonl["pool"]}, std::pair{paths.reference, jsonl["reference"]},
                                     std::pair{paths.heldout, jsonl["heldout"]}, std::pair{paths.labels, labels}})
        if (Status s = writeText(file, text); !s.ok())
            return s.error();
    paths.records = records.takeValue();
    return paths;
}

} // namespace ost
