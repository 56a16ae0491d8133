// Appending one point to a time series of an entity (or cluster-wide: entity ""), created on first use.
#pragma once

#include "RunResult.hpp"

#include <string>
#include <vector>

namespace leptonsim {

inline void append_entity_point(std::vector<TimeSeries>& series, const char* name, const std::string& entity, double t,
                                double value) {
  for (TimeSeries& s : series)
    if (s.series == name && s.entity == entity) {
      s.t.push_back(t);
      s.value.push_back(value);
      return;
    }
  series.push_back(TimeSeries{name, entity, {t}, {value}});
}

inline void append_cluster_point(std::vector<TimeSeries>& series, const char* name, double t, double value) {
  append_entity_point(series, name, "", t, value);
}

}  // namespace leptonsim
