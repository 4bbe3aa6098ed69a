#pragma once
// Small helpers for the data tests: files and images in temporary folders.
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <fstream>
#include <iterator>
#include <string>

namespace testdata {

inline void writeFile(const std::string &path, const std::string &bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string readFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A real, decodable image (a gradient, so PNG/JPEG compress it like a picture).
inline void writeImage(const std::string &path, int width = 16, int height = 12)
{
    cv::Mat img(height, width, CV_8UC3);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            img.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(x * 7), uchar(y * 11), uchar((x + y) * 3));
    cv::imwrite(path, img);
}

inline std::string messagesRecord(const std::string &id, const std::string &image,
                                  const std::string &answer = "The answer is 4.")
{
    return "{\"id\": \"" + id + "\", \"messages\": [{\"role\": \"user\", \"content\": \"<image>\\nWhat is 2+2?\"}, "
           "{\"role\": \"assistant\", \"content\": \"" + answer + "\"}], \"images\": [\"" + image + "\"]}";
}

} // namespace testdata
