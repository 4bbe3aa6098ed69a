#pragma once
// LibTorch views of processed images, for the sample encoder and the models.
#include "core/vision/ImageProcessor.h"

#include <torch/torch.h>

#include <vector>

namespace ost::vision {

// [rows, cols] float32 (a copy).
torch::Tensor pixelValuesTensor(const ProcessedImage &image);
// Several images as the model takes them: pixel rows concatenated in order ([sum rows, cols]) and
// their grids ([n, 3] int64). Both undefined when `images` is empty.
struct ImageBatchTensors {
    torch::Tensor pixelValues;
    torch::Tensor gridThw;
};
ImageBatchTensors imageTensors(const std::vector<ProcessedImage> &images);

} // namespace ost::vision
