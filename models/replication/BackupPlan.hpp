// Backup schedules: a full backup at the start and every `full_every`, an
// incremental one every `incremental_every` in between. A full backup copies
// all the data; an incremental one the bytes changed since the previous
// backup (change rate x elapsed time, at most all the data). After a loss,
// data restored from the latest completed backup lacks the changes made since
// that backup began (its recovery point).
#pragma once

#include <vector>

namespace leptonsim {

struct BackupPolicy {
  double full_every = 7 * 86400.0;     // seconds between full backups, > 0
  double incremental_every = 86400.0;  // seconds between incremental backups; 0 = none
  double change_rate = 0.0;            // fraction of the data changed per day
};

struct PlannedBackup {
  double time = 0.0;
  bool is_full = false;
};

// Backups that start in [0, duration), in time order.
std::vector<PlannedBackup> plan_backups(const BackupPolicy& policy, double duration);

// Bytes a backup copies: all of `data_bytes` for a full one, else the changes
// since the previous backup started `since` seconds earlier.
double backup_bytes(const BackupPolicy& policy, bool is_full, double data_bytes, double since);

// Fraction of a restored chunk's bytes that changed after its recovery point,
// `age` seconds before the loss (lost for good).
double changed_since(const BackupPolicy& policy, double age);

}  // namespace leptonsim
