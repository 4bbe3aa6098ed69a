#pragma once
// What `ostc check` leaves behind: a JSON document (printed with --json, kept in the project store)
// and per-sample tags the app filters by. Tags all start with "check:" and are rewritten as a whole
// on every check, so the curator's own tags are never touched:
//   check:exact-duplicate         a member after the first of an exact group (collapsing drops it)
//   check:near-duplicate          the same for a group of near-duplicate answers
//   check:duplicate-image         uses an image that repeats (exactly or nearly) an earlier one
//   check:blurry, check:dark, check:light, check:low-information, check:odd-aspect, check:tiny,
//   check:huge                    one of its images is flagged so
//   check:over-cutoff             longer than cutoff_len tokens
//   check:cuts-image-tokens       ... and the cut falls inside its image tokens (the trainer's
//                                 "image features and image tokens do not match")
//   check:unreadable              the sample, one of its images or its length could not be read
#include "core/check/DatasetCheck.h"
#include "core/common/Result.h"

#include <string>
#include <utility>
#include <vector>

namespace ost {

class ProjectStore;

constexpr const char *kCheckTagPrefix = "check:";
constexpr const char *kCheckReportBlobKey = "check:report";

// (sample id, tag) for every flag of the report, sorted.
std::vector<std::pair<std::string, std::string>> checkTags(const CheckReport &report);

// The report as JSON. full: also every image's measures and every sample's token count (the stored
// copy); otherwise flagged images only and `examples` worst per check.
std::string checkReportJson(const CheckReport &report, bool full, int examples = 5);

// Replaces the "check:" tags and the stored report in one go (tags first, in one transaction).
Status saveCheckResults(ProjectStore &store, const CheckReport &report);

} // namespace ost
