// config.json and preprocessor_config.json: the same bytes through both readers, then the sanity
// bounds a model is checked against before anything is allocated.
#include "FuzzFile.h"

#include "core/model/internal/ConfigBounds.h"
#include "core/model/internal/QwenVLConfig.h"
#include "core/vision/ImageProcessorConfig.h"
#include "core/vision/SmartResize.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    auto config = ost::model::QwenVLConfig::fromJson(text, "config.json");
    if (config.ok()) {
        if (ost::Status s = ost::model::checkSaneBounds(*config, "config.json"); !s.ok())
            fuzz::checkMessage(s.error().message);
        else
            (void)config->parameterCount();
        (void)config->summary();
        (void)config->toJson();
    } else {
        fuzz::checkMessage(config.error().message);
    }
    auto pre = ost::parseImageProcessorConfig(text, "preprocessor_config.json");
    if (pre.ok()) {
        // What a processor does with the sizes it read: a target size for a few image shapes.
        for (auto [h, w] : {std::pair<int64_t, int64_t>{1, 1}, {480, 640}, {28, 5600}, {4000, 3000}}) {
            auto r = ost::smartResize(h, w, pre->resizeFactor(), pre->minPixels, pre->maxPixels);
            if (r.ok() && (r->height <= 0 || r->width <= 0))
                std::abort();
        }
    } else {
        fuzz::checkMessage(pre.error().message);
    }
    return 0;
}
