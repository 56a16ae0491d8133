// The failure profiles of data/failure-calibration.yaml, compiled into the
// binary like the hardware catalogue (see models/catalog/EmbeddedCatalog.cpp.in).
#pragma once

#include <string_view>

namespace leptonsim {

// The file's text: `profiles:`, each with a `name` and `classes` written with
// the keys of a scenario's `failures.classes[]`.
std::string_view failure_calibration_yaml();

}  // namespace leptonsim
