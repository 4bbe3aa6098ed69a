#pragma once
// Cheap per-sample scores stored beside OST in the same run, for comparison. Raw values are stored;
// their "keep" direction (what `bench` uses for ROC-AUC) is documented with each:
//   loss    the sample's own mean token loss at θ     (lower = easier/cleaner; keep = −loss)
//   ifd     loss(answer | question) / loss(answer)     (instruction-following difficulty; > 1 means the
//           question does not help predict the answer; keep = −ifd)
//   length  answer length in characters               (keep = +length)
//   random  uniform [0,1) from (seed, sample id)       (keep = +random; independent of batching/sharding)
#include "core/model/internal/VisionLanguageModel.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ost::scoring {

std::vector<double> batchLosses(model::VisionLanguageModel &model, const model::ModelBatch &batch);
double ifdRatio(double conditionalLoss, double answerOnlyLoss);
double randomScore(uint64_t seed, const std::string &sampleId);

// Direction in which a higher value means "keep" for each method (+1 or −1); 0 for unknown.
int keepDirection(const std::string &method);

} // namespace ost::scoring
