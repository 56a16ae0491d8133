// Human-readable summary of a run for the terminal.
#pragma once

#include "RunResult.hpp"

#include <string>

namespace leptonsim {

std::string format_summary_table(const RunResult& result);

}  // namespace leptonsim
