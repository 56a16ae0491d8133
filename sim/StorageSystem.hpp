// The data layer of a run: objects in chunks on the storage nodes' disks,
// their redundancy, the rebuild of lost pieces and data loss.
//
// At the start every chunk is stored (pieces placed by the placement policy,
// no traffic). Failures come from the FailureInjector:
//   disk failure      its pieces are gone at once;
//   node unavailable  (storage node down, or cut off by a switch or PDU) its
//                     pieces cannot be read; `survivors` mode declares them
//                     lost after `data.repair.delay` if the node is still down.
// Lost pieces wait in a repair queue ordered by the redundancy their chunk has
// left (fewest first). A rebuild of one piece reads `pieces_needed` pieces from
// readable disks and writes it on the target disk: one Comm per source from
// disk to disk through both disk links, NICs and the fabric (competing with all
// other traffic), so reading, sending and writing are pipelined. At most `parallelism` rebuilds
// run together and their starts are paced to `data.repair.bandwidth`.
// A chunk left with fewer pieces than it needs is lost: counted, and restored
// from its origin (the site's storage gateway) onto new disks.
//
// No actor: rebuilds are started from timers and completion callbacks.
#pragma once

#include <functional>

#include "CompletionDispatch.hpp"
#include "PlatformBuilder.hpp"
#include "RunResult.hpp"
#include "ScenarioSpec.hpp"
#include "TimeIntegral.hpp"
#include "common/RandomStreams.hpp"
#include "replication/BackupPlan.hpp"
#include "replication/ChunkLayout.hpp"
#include "replication/DataPlacementPolicy.hpp"
#include "replication/RedundancyScheme.hpp"

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace leptonsim {

class StorageSystem {
public:
  StorageSystem(const ScenarioSpec& spec, const SimPlatform& platform, std::vector<Event>& events);
  ~StorageSystem();
  StorageSystem(const StorageSystem&) = delete;
  StorageSystem& operator=(const StorageSystem&) = delete;

  // Storage nodes and disks are numbered over the whole platform (topology order);
  // only those of the data's site matter here.
  void on_failed(int failure, const std::vector<int>& storage_nodes, const std::vector<int>& disks, double now,
                 const std::string& cause, const std::string& component);
  void on_repaired(int failure, const std::vector<int>& storage_nodes, const std::vector<int>& disks, double now);

  void stop(double now);
  // Told of bytes that leave a site for another (off-site backups, restores from them), for egress.
  using EgressListener = std::function<void(const std::string& from_site, double bytes)>;
  void set_egress_listener(EgressListener listener) { egress_listener_ = std::move(listener); }
  void sample(double now, std::vector<TimeSeries>& series);
  void report(RunResult& result) const;
  // Whether the data site's storage node `node` (numbered within the site) is up and reachable.
  bool is_node_available(int node) const { return node_down_[static_cast<std::size_t>(node)] == 0; }
  // USD per hour of the data site's storage nodes (price x nodes).
  double node_cost_per_hour() const;
  // USD of the storage nodes and the stored bytes from the start until `now` (cost.storage).
  double cost_at(double now) const;

private:
  struct Transfer;
  struct BackupTransfer;
  struct RepairTask {
    int chunk = 0;
    int slot = -1;        // -1: any empty slot
    int target = -1;      // -1: chosen by the placement policy
    bool is_restore = false;  // queued as the restore of a lost chunk (most urgent)
  };

  void place_initial_data();
  double piece_bytes(int chunk) const { return scheme_->piece_bytes(layout_.chunk_bytes(chunk)); }
  int node_of_disk(int disk) const { return disk / disks_per_node_; }
  bool is_readable(int disk) const { return is_node_available(node_of_disk(disk)); }
  bool is_writable(int disk) const;
  void refresh_view(int disk);
  void advance_stored(double now);
  void put_piece(int chunk, int slot, int disk, double now);
  // Removes the piece in `slot`; `failure` (>= 0) tags it for that failure's time to full redundancy.
  void lose_piece(int chunk, int slot, int failure, double now);
  void check_loss(int chunk, double now);
  void set_degraded(int chunk, bool was_degraded, double now);
  void finish_loss_event();
  void enqueue(const RepairTask& task);
  void schedule_pump(double at);
  void pump();
  // False when the repair budget makes the task wait; true when started or set aside.
  bool try_start(const RepairTask& task, double now);
  void start_transfer(const RepairTask& task, int slot, int target, const std::vector<int>& sources);
  void on_transfer_part_done(Transfer& transfer);
  void release(Transfer& transfer);
  void abort_transfer(int id, bool requeue);
  void abort_transfers_touching(int node, int disk);
  std::vector<int> targets_in_flight(int chunk) const;
  bool is_slot_free(int chunk, int slot) const;
  double sample_delay();
  void start_rebuild(const std::vector<int>& chunks, const std::string& component, int failure, double now);
  void declare_node_lost(int node, int failure, double now);
  int local_disk(int global_disk) const;
  int local_node(int global_node) const;
  // Backups (data.backup).
  void schedule_backups();
  void on_backup_due(bool is_full, double now);
  void start_backup(bool is_full, double now);
  void on_backup_done(BackupTransfer& backup);
  void account_unrecoverable(int chunk, double now);

  const ScenarioSpec& spec_;
  std::vector<Event>& events_;
  std::unique_ptr<RedundancyScheme> scheme_;
  std::unique_ptr<DataPlacementPolicy> placement_;
  RandomStream placement_random_;
  RandomStream delay_random_;
  ChunkLayout layout_;
  StorageView view_;
  int disks_per_node_ = 1;
  int first_global_node_ = 0;                       // the data site's first storage node, platform-wide
  int first_global_disk_ = 0;                       // and its first disk
  int node_count_ = 0;                              // storage nodes of the data's site
  std::vector<simgrid::s4u::Host*> disks_;          // per local disk: its host (see SimStorageNode)
  simgrid::s4u::Host* origin_ = nullptr;            // the site's storage gateway (restores come from it)
  double disk_capacity_ = 0.0;
  std::vector<std::string> object_names_;

  std::vector<int> node_down_;                       // per node: failures making it unavailable
  std::vector<int> node_outage_;                     // per node: outages so far (a generation for delayed timers)
  std::vector<int> disk_failed_;                     // per disk: failures of its hardware
  std::vector<std::vector<RepairTask>> awaiting_replacement_;  // per disk: pieces to write on it once replaced
  std::vector<std::uint8_t> is_lost_;                // per chunk: lost and being restored
  std::vector<double> lost_at_;                      // per chunk: when it was lost
  std::vector<std::uint16_t> reserved_;              // per chunk: rebuilds in flight
  std::vector<double> reserved_bytes_;               // per disk: bytes of rebuilds writing to it
  std::vector<std::deque<RepairTask>> queue_;        // by redundancy left, fewest first
  std::int64_t queued_ = 0;
  std::vector<RepairTask> blocked_;                  // too few readable pieces, or no disk to write to, now
  std::map<int, std::unique_ptr<Transfer>> transfers_;  // in flight, by id
  std::vector<std::unique_ptr<Transfer>> retired_transfers_;  // finished inside their own callback
  int next_transfer_ = 0;
  double pace_time_ = 0.0;                           // earliest start of the next paced rebuild
  bool is_pump_scheduled_ = false;
  double pump_at_ = 0.0;
  bool is_stopped_ = false;

  // Time to full redundancy: lost pieces per failure still to rebuild.
  std::unordered_map<std::int64_t, int> lost_piece_failure_;  // piece id -> failure
  struct FailureExposure {
    double time = 0.0;
    std::string component;
    int pieces_left = 0;
    int pieces_lost = 0;
  };
  std::map<int, FailureExposure> exposures_;
  std::vector<double> times_to_full_redundancy_;

  // Loss events: losses at one instant form one event.
  struct LossEvent {
    double time = -1.0;
    std::int64_t chunks = 0;
    double bytes = 0.0;
    std::map<std::string, std::int64_t> objects;
    std::string component;  // of the failure that caused it
  };
  LossEvent current_loss_;
  std::string loss_component_;  // the failure being applied

  std::int64_t degraded_ = 0;
  TimeIntegral degraded_integral_;
  std::int64_t loss_events_ = 0, chunks_lost_ = 0, pieces_rebuilt_ = 0, chunks_restored_ = 0;
  double bytes_lost_ = 0.0, repair_read_ = 0.0, repair_network_ = 0.0, repair_written_ = 0.0, restore_bytes_ = 0.0;
  double restore_seconds_ = 0.0;
  double repair_written_at_sample_ = 0.0, last_sample_ = 0.0;
  // Mean time to data loss: time at full redundancy until a loss, over such losses.
  bool is_at_risk_ = true;
  double at_risk_since_ = 0.0, at_risk_seconds_ = 0.0;
  std::int64_t episode_losses_ = 0;
  double stored_bytes_integral_ = 0.0, stored_since_ = 0.0;  // byte-seconds, for the GB-month price

  // Backups: one at a time; a due one waits for the running one.
  BackupPolicy backup_policy_;
  std::string backup_destination_;
  std::string data_site_;
  EgressListener egress_listener_;
  double data_bytes_ = 0.0;                          // logical bytes of all chunks
  std::unique_ptr<BackupTransfer> backup_;           // running (or the last one)
  std::vector<std::unique_ptr<BackupTransfer>> retired_backups_;
  bool is_backup_running_ = false, is_backup_waiting_ = false, waiting_is_full_ = false;
  double last_snapshot_ = -1.0;                      // start of the latest completed backup; < 0: none yet
  double previous_backup_start_ = 0.0;               // incrementals copy the changes since
  std::int64_t full_backups_ = 0, incremental_backups_ = 0, backups_delayed_ = 0;
  double backup_bytes_ = 0.0, backup_seconds_sum_ = 0.0, backup_seconds_max_ = 0.0;
  double bytes_unrecoverable_ = 0.0, recovery_age_sum_ = 0.0;
  std::int64_t recovery_ages_ = 0;
};

}  // namespace leptonsim
