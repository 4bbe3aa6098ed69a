#include "core/vision/ImageProcessorConfig.h"

#include "core/common/ImageLimits.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <algorithm>
#include <cmath>
#include <sstream>
#include <tuple>

namespace ost {

namespace {

using nlohmann::json;

struct Reader {
    const json &root;
    const std::string &source;
    std::string error;

    Error fail() const { return Error{"image processor config '" + source + "': " + error}; }

    bool positiveInt(const json &parent, const char *key, int64_t &out, const std::string &where)
    {
        const auto it = parent.find(key);
        if (it == parent.end() || it->is_null())
            return true;
        if (!it->is_number_integer() || it->get<int64_t>() <= 0) {
            error = "\"" + where + key + "\" must be a positive integer";
            return false;
        }
        out = it->get<int64_t>();
        return true;
    }

    bool flag(const char *key, bool &out)
    {
        const auto it = root.find(key);
        if (it == root.end() || it->is_null())
            return true;
        if (!it->is_boolean()) {
            error = std::string("\"") + key + "\" must be true or false";
            return false;
        }
        out = it->get<bool>();
        return true;
    }

    bool triple(const char *key, std::array<float, 3> &out, bool nonZero)
    {
        const auto it = root.find(key);
        if (it == root.end() || it->is_null())
            return true;
        std::array<float, 3> values{};
        // A double beyond float's range cast to float is undefined behaviour: refused first.
        const auto fits = [](const json &v) { return v.is_number() && std::fabs(v.get<double>()) <= 3.0e38; };
        if ((it->is_number() && !fits(*it)) ||
            (it->is_array() && std::any_of(it->begin(), it->end(), [&](const json &v) { return v.is_number() && !fits(v); }))) {
            error = std::string("\"") + key + "\" holds a number beyond the range of a float";
            return false;
        }
        if (it->is_number()) {
            values.fill(it->get<float>()); // a single number applies to every channel
        } else if (it->is_array() && it->size() == 3 && (*it)[0].is_number() && (*it)[1].is_number() &&
                   (*it)[2].is_number()) {
            for (size_t i = 0; i < 3; ++i)
                values[i] = (*it)[i].get<float>();
        } else {
            error = std::string("\"") + key + "\" must be a number or a list of 3 numbers";
            return false;
        }
        for (float v : values)
            if (nonZero && v == 0.0f) {
                error = std::string("\"") + key + "\" must not contain 0";
                return false;
            }
        out = values;
        return true;
    }
};

} // namespace

Result<ImageProcessorConfig> parseImageProcessorConfig(const std::string &text, const std::string &source)
{
    json root;
    try {
        root = json::parse(text);
    } catch (const json::exception &e) {
        return Error{"image processor config '" + source + "': not valid JSON: " + e.what()};
    }
    if (!root.is_object())
        return Error{"image processor config '" + source + "': not a JSON object"};

    ImageProcessorConfig c;
    Reader r{root, source, {}};
    // "size" first, then the explicit keys override it, the reference's precedence.
    if (const auto size = root.find("size"); size != root.end() && !size->is_null()) {
        if (!size->is_object())
            return Error{"image processor config '" + source + "': \"size\" must be an object"};
        if (!r.positiveInt(*size, "shortest_edge", c.minPixels, "size.") ||
            !r.positiveInt(*size, "longest_edge", c.maxPixels, "size.") ||
            !r.positiveInt(*size, "min_pixels", c.minPixels, "size.") ||
            !r.positiveInt(*size, "max_pixels", c.maxPixels, "size."))
            return r.fail();
    }
    if (!r.positiveInt(root, "min_pixels", c.minPixels, "") || !r.positiveInt(root, "max_pixels", c.maxPixels, "") ||
        !r.positiveInt(root, "patch_size", c.patchSize, "") ||
        !r.positiveInt(root, "temporal_patch_size", c.temporalPatchSize, "") ||
        !r.positiveInt(root, "merge_size", c.mergeSize, "") || !r.flag("do_resize", c.doResize) ||
        !r.flag("do_rescale", c.doRescale) || !r.flag("do_normalize", c.doNormalize) ||
        !r.flag("do_convert_rgb", c.doConvertRgb) || !r.triple("image_mean", c.imageMean, false) ||
        !r.triple("image_std", c.imageStd, true))
        return r.fail();
    if (const auto it = root.find("rescale_factor"); it != root.end() && !it->is_null()) {
        if (!it->is_number() || it->get<double>() <= 0.0)
            return Error{"image processor config '" + source + "': \"rescale_factor\" must be a positive number"};
        c.rescaleFactor = it->get<double>();
    }
    // Only bicubic (Pillow's 3) is implemented; another filter would silently change every pixel.
    if (const auto it = root.find("resample"); it != root.end() && !it->is_null() && *it != 3)
        return Error{"image processor config '" + source + "': \"resample\" " + it->dump() +
                     " is not supported (only 3, bicubic)"};
    // Sizes are read from a file: min_pixels 1e11 made every image an 80 GB resize (an uncaught
    // bad_alloc). The resize target is bounded by the same pixel limit as decoding.
    const int64_t pixelLimit = maxImagePixels();
    for (auto [value, key] : {std::pair<int64_t, const char *>{c.minPixels, "min_pixels"}, {c.maxPixels, "max_pixels"}})
        if (value > pixelLimit)
            return Error{"image processor config '" + source + "': \"" + key + "\" " + std::to_string(value) +
                         " is over the image pixel limit " + std::to_string(pixelLimit) + " (--max-image-pixels)"};
    for (auto [value, max, key] : {std::tuple<int64_t, int64_t, const char *>{c.patchSize, 1024, "patch_size"},
                                   {c.temporalPatchSize, 64, "temporal_patch_size"},
                                   {c.mergeSize, 64, "merge_size"}})
        if (value > max)
            return Error{"image processor config '" + source + "': \"" + key + "\" " + std::to_string(value) +
                         " is over " + std::to_string(max)};
    if (c.minPixels > c.maxPixels)
        return Error{"image processor config '" + source + "': min_pixels " + std::to_string(c.minPixels) +
                     " is above max_pixels " + std::to_string(c.maxPixels)};
    return c;
}

Result<ImageProcessorConfig> loadImageProcessorConfig(const std::string &path)
{
    std::ifstream in(path);
    if (!in)
        return Error{"image processor config '" + path + "': cannot open"};
    std::ostringstream text;
    text << in.rdbuf();
    return parseImageProcessorConfig(text.str(), path);
}

} // namespace ost
