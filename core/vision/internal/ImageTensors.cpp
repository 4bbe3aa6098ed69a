#include "core/vision/internal/ImageTensors.h"

#include <cstring>

namespace ost::vision {

torch::Tensor pixelValuesTensor(const ProcessedImage &image)
{
    torch::Tensor t = torch::empty({image.rows, image.cols}, torch::kFloat32);
    if (!image.pixelValues.empty())
        std::memcpy(t.data_ptr<float>(), image.pixelValues.data(), image.pixelValues.size() * sizeof(float));
    return t;
}

ImageBatchTensors imageTensors(const std::vector<ProcessedImage> &images)
{
    ImageBatchTensors out;
    if (images.empty())
        return out;
    int64_t rows = 0;
    for (const ProcessedImage &im : images)
        rows += im.rows;
    const int64_t cols = images.front().cols;
    out.pixelValues = torch::empty({rows, cols}, torch::kFloat32);
    out.gridThw = torch::empty({static_cast<int64_t>(images.size()), 3}, torch::kInt64);
    float *dst = out.pixelValues.data_ptr<float>();
    int64_t *grid = out.gridThw.data_ptr<int64_t>();
    for (const ProcessedImage &im : images) {
        TORCH_CHECK(im.cols == cols, "images with different patch sizes cannot share a batch");
        std::memcpy(dst, im.pixelValues.data(), im.pixelValues.size() * sizeof(float));
        dst += im.pixelValues.size();
        for (int i = 0; i < 3; ++i)
            *grid++ = im.gridThw[i];
    }
    return out;
}

} // namespace ost::vision
