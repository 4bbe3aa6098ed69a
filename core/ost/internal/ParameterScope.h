#pragma once
// Which proxy parameters the simulated step touches (RunSettings::parameterScope).
#include "core/common/Result.h"
#include "core/model/internal/VisionLanguageModel.h"

#include <string>
#include <vector>

namespace ost::scoring {

struct ScopedParameter {
    std::string name;
    torch::Tensor tensor; // the live parameter (shares storage with the module)
};

// "all": every trainable parameter; "language": those the model calls language parameters;
// "last:K": parameters of the last K decoder blocks only (embeddings, final norm and head excluded,
// so "last:K" really is the cheap, local variant). Fails on an unknown scope or one that selects nothing.
Result<std::vector<ScopedParameter>> selectParameters(model::VisionLanguageModel &model, const std::string &scope);

// The first decoder block the step touches when every selected parameter lies in a decoder
// block (scope last:K): hidden states entering it cannot change under the step, so they can be
// computed once and reused. -1 when some parameter lies outside the blocks (embeddings, head,
// norms, vision tower): then nothing below the step is fixed.
int firstSteppedBlock(model::VisionLanguageModel &model, const std::vector<ScopedParameter> &params);

// The per-sample loss of `batch`, from cached hidden states when `prefixBlock` >= 0 and `prefix`
// holds them (else computed from the batch's states entering prefixBlock, or in full when -1).
torch::Tensor scopedLoss(model::VisionLanguageModel &model, const model::ModelBatch &batch, int prefixBlock,
                         const torch::Tensor &prefix = {});

// Detached copies (same dtype/device) of the selected parameters: the θ that every step restores.
std::vector<torch::Tensor> snapshot(const std::vector<ScopedParameter> &params);

// Writes `saved` back into the live parameters. copy_ from an untouched copy, never θ + η·g, so θ comes
// back bit for bit.
void restore(const std::vector<ScopedParameter> &params, const std::vector<torch::Tensor> &saved);

} // namespace ost::scoring
