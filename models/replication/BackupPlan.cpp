#include "BackupPlan.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace leptonsim {

std::vector<PlannedBackup> plan_backups(const BackupPolicy& policy, double duration) {
  if (!(policy.full_every > 0)) throw std::invalid_argument("backups: full_every must be > 0");
  // Two grids merged: full backups at multiples of full_every, incrementals at
  // multiples of incremental_every; where both fall together, the full one.
  std::vector<PlannedBackup> plan;
  for (long k = 0; static_cast<double>(k) * policy.full_every < duration; ++k)
    plan.push_back(PlannedBackup{static_cast<double>(k) * policy.full_every, true});
  if (policy.incremental_every > 0)
    for (long k = 1; static_cast<double>(k) * policy.incremental_every < duration; ++k)
      plan.push_back(PlannedBackup{static_cast<double>(k) * policy.incremental_every, false});
  std::stable_sort(plan.begin(), plan.end(), [](const PlannedBackup& a, const PlannedBackup& b) {
    return a.time < b.time || (a.time == b.time && a.is_full && !b.is_full);
  });
  const double tolerance = 1e-6;
  std::vector<PlannedBackup> merged;
  for (const PlannedBackup& backup : plan)
    if (merged.empty() || backup.time - merged.back().time > tolerance) merged.push_back(backup);
  return merged;
}

double backup_bytes(const BackupPolicy& policy, bool is_full, double data_bytes, double since) {
  if (is_full) return data_bytes;
  return std::min(data_bytes, data_bytes * policy.change_rate * since / 86400.0);
}

double changed_since(const BackupPolicy& policy, double age) {
  return std::clamp(policy.change_rate * age / 86400.0, 0.0, 1.0);
}

}  // namespace leptonsim
