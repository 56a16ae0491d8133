// Appending one point to a cluster-wide time series (entity ""), created on first use.
#pragma once

#include "RunResult.hpp"

#include <vector>

namespace leptonsim {

inline void append_cluster_point(std::vector<TimeSeries>& series, const char* name, double t, double value) {
  for (TimeSeries& s : series)
    if (s.series == name && s.entity.empty()) {
      s.t.push_back(t);
      s.value.push_back(value);
      return;
    }
  series.push_back(TimeSeries{name, "", {t}, {value}});
}

}  // namespace leptonsim
