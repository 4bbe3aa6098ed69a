#pragma once
// The progress line ostc commands draw on stderr, redrawn in place ("\r LABEL 1.2k/15.4k 35.1/s ETA
// 6m12s  phase"). It redraws at most every 200 ms, but always for the first report of a phase (its
// message changed) and the last (done == total): a phase that reports once, such as loading the
// proxy, is never left hidden behind the previous phase's line. Safe to call from several threads.
#include "core/common/Progress.h"

#include <string>

// `label` goes before the count (a benchmark's setting, "scoring"); empty: none.
ost::ProgressCallback terminalProgress(std::string label = {});
