#include "StorageSystem.hpp"

#include "ClusterSeries.hpp"
#include "DistributionFromSpec.hpp"
#include "RegisterAllPolicies.hpp"
#include "replication/DataLossEstimates.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace sg4 = simgrid::s4u;

namespace leptonsim {

// One piece being rebuilt (or restored): its activities and what it fills.
struct StorageSystem::Transfer : CompletionHandler {
  StorageSystem* owner = nullptr;
  int id = 0;
  RepairTask task;
  int slot = 0;
  int target = 0;
  std::vector<int> sources;  // disks read; empty for a restore from the origin
  double bytes = 0.0;        // of the piece
  int remaining = 0;         // activities not finished
  std::vector<sg4::ActivityPtr> activities;

  void on_activity_complete(const sg4::Activity& activity) override {
    for (auto& held : activities)
      if (held.get() == &activity) CompletionDispatch::retire(std::move(held));
    if (--remaining == 0) owner->on_transfer_part_done(*this);  // may destroy *this: nothing after
  }
};

struct StorageSystem::BackupTransfer : CompletionHandler {
  StorageSystem* owner = nullptr;
  bool is_full = false;
  double start = 0.0;
  double bytes = 0.0;
  int remaining = 0;
  std::vector<sg4::ActivityPtr> activities;

  void on_activity_complete(const sg4::Activity& activity) override {
    for (auto& held : activities)
      if (held.get() == &activity) CompletionDispatch::retire(std::move(held));
    if (--remaining == 0) owner->on_backup_done(*this);
  }
};

namespace {

const SiteSpec& site_of(const ScenarioSpec& spec) {
  for (const SiteSpec& site : spec.platform.sites)
    if (site.name == spec.data.site) return site;
  throw std::runtime_error(fmt::format("data: unknown site `{}`", spec.data.site));
}

}  // namespace

StorageSystem::StorageSystem(const ScenarioSpec& spec, const SimPlatform& platform, std::vector<Event>& events)
    : spec_(spec),
      events_(events),
      scheme_(policy_registries().redundancy.make(spec.data.redundancy_policy, spec.data.redundancy_params)),
      placement_(policy_registries().data_placements.make(spec.data.placement_policy, spec.data.placement_params)),
      placement_random_(make_stream(spec.seed, "data/placement")),
      delay_random_(make_stream(spec.seed, "data/repair_delay")),
      layout_(0, 1) {
  const SiteSpec& site = site_of(spec);
  disks_per_node_ = site.storage.disks_per_node;
  for (const SiteSpec& other : spec.platform.sites) {
    if (other.name == site.name) break;
    first_global_node_ += other.storage.nodes();
    first_global_disk_ += other.storage.nodes() * other.storage.disks_per_node;
  }
  const DiskType* disk_type = spec.catalog.find_disk(site.storage.disk);
  if (disk_type == nullptr) throw std::runtime_error("unknown disk type " + site.storage.disk);
  disk_capacity_ = disk_type->capacity_bytes;
  for (const SimStorageNode& node : platform.storage_nodes) {
    if (node.site != site.name) continue;
    const int local = node_count_++;
    for (sg4::Host* disk : node.disks) {
      disks_.push_back(disk);
      view_.disks.push_back(StorageDiskView{local, node.rack, true, disk_capacity_});
    }
  }
  view_.nodes = node_count_;
  view_.racks = site.storage.racks;
  origin_ = platform.storage.at(site.name);
  const std::size_t disks = disks_.size();
  layout_ = ChunkLayout(static_cast<int>(disks), scheme_->pieces());
  node_down_.assign(static_cast<std::size_t>(node_count_), 0);
  node_outage_.assign(static_cast<std::size_t>(node_count_), 0);
  disk_failed_.assign(disks, 0);
  reserved_bytes_.assign(disks, 0.0);
  awaiting_replacement_.resize(disks);
  queue_.resize(static_cast<std::size_t>(scheme_->pieces()));
  place_initial_data();
  for (int c = 0; c < layout_.chunks(); ++c) data_bytes_ += layout_.chunk_bytes(c);
  if (spec.data.backup.is_enabled) {
    const BackupSpec& backup = spec.data.backup;
    backup_policy_ = BackupPolicy{backup.full_every, backup.incremental_every, backup.change_rate};
    backup_destination_ = backup.destination == "local" ? site.name : backup.destination;
    data_site_ = site.name;
    // Restores come from the backups.
    origin_ = platform.storage.at(backup_destination_);
    schedule_backups();
  }
}

StorageSystem::~StorageSystem() = default;

void StorageSystem::place_initial_data() {
  int object_index = 0;
  for (const DataObjectSpec& object : spec_.data.objects) {
    for (int copy = 0; copy < object.count; ++copy, ++object_index) {
      object_names_.push_back(object.count == 1 ? object.name : fmt::format("{}-{}", object.name, copy));
      const auto chunks = static_cast<std::int64_t>(std::ceil(object.size / object.chunk - 1e-9));
      for (std::int64_t c = 0; c < chunks; ++c) {
        const double bytes = std::min(object.chunk, object.size - static_cast<double>(c) * object.chunk);
        const int chunk = layout_.add_chunk(object_index, bytes);
        const std::vector<int> disks = placement_->choose(view_, {}, scheme_->pieces(), piece_bytes(chunk), placement_random_);
        if (static_cast<int>(disks.size()) < scheme_->pieces())
          throw std::runtime_error(fmt::format(
              "data: chunk {} of object `{}` does not fit: the {} placement found {} of the {} disks it needs (too "
              "few nodes or racks, or the disks are full)",
              c, object_names_.back(), spec_.data.placement_policy, disks.size(), scheme_->pieces()));
        for (int slot = 0; slot < scheme_->pieces(); ++slot) {
          layout_.place(chunk, slot, disks[static_cast<std::size_t>(slot)], piece_bytes(chunk));
          refresh_view(disks[static_cast<std::size_t>(slot)]);
        }
      }
    }
  }
  const auto chunks = static_cast<std::size_t>(layout_.chunks());
  is_lost_.assign(chunks, 0);
  lost_at_.assign(chunks, 0.0);
  reserved_.assign(chunks, 0);
}

int StorageSystem::local_disk(int global_disk) const {
  const int local = global_disk - first_global_disk_;
  return local >= 0 && local < static_cast<int>(disks_.size()) ? local : -1;
}

int StorageSystem::local_node(int global_node) const {
  const int local = global_node - first_global_node_;
  return local >= 0 && local < node_count_ ? local : -1;
}

bool StorageSystem::is_writable(int disk) const {
  return disk_failed_[static_cast<std::size_t>(disk)] == 0 && is_readable(disk);
}

void StorageSystem::refresh_view(int disk) {
  StorageDiskView& view = view_.disks[static_cast<std::size_t>(disk)];
  view.is_writable = is_writable(disk);
  view.free_bytes = disk_capacity_ - layout_.used_bytes(disk) - reserved_bytes_[static_cast<std::size_t>(disk)];
}

void StorageSystem::advance_stored(double now) {
  stored_bytes_integral_ += layout_.stored_bytes() * (now - stored_since_);
  stored_since_ = now;
}

void StorageSystem::set_degraded(int chunk, bool was_degraded, double now) {
  const bool is_degraded = layout_.stored_pieces(chunk) < scheme_->pieces();
  if (is_degraded == was_degraded) return;
  degraded_ += is_degraded ? 1 : -1;
  degraded_integral_.set(now, static_cast<double>(degraded_));
  if (degraded_ == 0 && !is_at_risk_) {
    is_at_risk_ = true;
    at_risk_since_ = now;
  }
}

void StorageSystem::put_piece(int chunk, int slot, int disk, double now) {
  const bool was_degraded = layout_.stored_pieces(chunk) < scheme_->pieces();
  advance_stored(now);
  layout_.place(chunk, slot, disk, piece_bytes(chunk));
  refresh_view(disk);
  set_degraded(chunk, was_degraded, now);
  const std::int64_t piece = static_cast<std::int64_t>(chunk) * scheme_->pieces() + slot;
  if (const auto tag = lost_piece_failure_.find(piece); tag != lost_piece_failure_.end()) {
    const auto exposure = exposures_.find(tag->second);
    if (exposure != exposures_.end() && --exposure->second.pieces_left == 0) {
      const double seconds = now - exposure->second.time;
      times_to_full_redundancy_.push_back(seconds);
      events_.push_back(Event{now, "redundancy_restored", exposure->second.component,
                              nlohmann::json{{"failure", tag->second}, {"seconds", seconds},
                                             {"pieces", exposure->second.pieces_lost}}
                                  .dump()});
      exposures_.erase(exposure);
    }
    lost_piece_failure_.erase(tag);
  }
}

void StorageSystem::lose_piece(int chunk, int slot, int failure, double now) {
  const int disk = layout_.disk_of(chunk, slot);
  if (disk == ChunkLayout::kNoDisk) return;
  const bool was_degraded = layout_.stored_pieces(chunk) < scheme_->pieces();
  advance_stored(now);
  layout_.remove(chunk, slot, piece_bytes(chunk));
  refresh_view(disk);
  set_degraded(chunk, was_degraded, now);
  if (failure >= 0) {
    const std::int64_t piece = static_cast<std::int64_t>(chunk) * scheme_->pieces() + slot;
    // A piece counts for the failure that lost it last.
    if (const auto old = lost_piece_failure_.find(piece); old != lost_piece_failure_.end()) {
      if (auto exposure = exposures_.find(old->second); exposure != exposures_.end()) --exposure->second.pieces_left;
    }
    lost_piece_failure_[piece] = failure;
    FailureExposure& exposure = exposures_[failure];
    ++exposure.pieces_left;
    ++exposure.pieces_lost;
  }
  check_loss(chunk, now);
}

void StorageSystem::check_loss(int chunk, double now) {
  const auto c = static_cast<std::size_t>(chunk);
  if (is_lost_[c] != 0 || layout_.stored_pieces(chunk) >= scheme_->pieces_needed()) return;
  is_lost_[c] = 1;
  lost_at_[c] = now;
  // The pieces left cannot rebuild it: they are dropped and the chunk restored whole.
  const bool is_replacement = spec_.data.repair.target == DataRepairSpec::Target::replacement;
  for (int slot = 0; slot < scheme_->pieces(); ++slot) {
    const int disk = layout_.disk_of(chunk, slot);
    if (disk == ChunkLayout::kNoDisk) continue;
    lose_piece(chunk, slot, -1, now);
    // replacement: the layout is fixed; the dropped piece is written back to its disk.
    if (is_replacement) enqueue(RepairTask{chunk, slot, disk, true});
  }
  for (auto it = transfers_.begin(); it != transfers_.end();) {
    Transfer& transfer = *it->second;
    ++it;
    if (transfer.task.chunk == chunk && !transfer.sources.empty()) abort_transfer(transfer.id, false);
  }
  if (current_loss_.time != now) finish_loss_event();
  if (current_loss_.time != now) {
    current_loss_ = LossEvent{};
    current_loss_.time = now;
    current_loss_.component = loss_component_;
    ++loss_events_;
    if (is_at_risk_) {
      at_risk_seconds_ += now - at_risk_since_;
      is_at_risk_ = false;
      ++episode_losses_;
    }
  }
  ++current_loss_.chunks;
  current_loss_.bytes += layout_.chunk_bytes(chunk);
  ++current_loss_.objects[object_names_[static_cast<std::size_t>(layout_.object_of(chunk))]];
  ++chunks_lost_;
  account_unrecoverable(chunk, now);
  bytes_lost_ += layout_.chunk_bytes(chunk);
  // survivors: restored onto disks the placement chooses; replacement: the pieces
  // lost with failed disks are written back when those are replaced (awaiting_replacement_).
  if (!is_replacement)
    for (int p = 0; p < scheme_->pieces(); ++p) enqueue(RepairTask{chunk, -1, -1, true});
  schedule_pump(now);
}

void StorageSystem::finish_loss_event() {
  if (current_loss_.time < 0 || current_loss_.chunks == 0) return;
  nlohmann::json objects = nlohmann::json::object();
  for (const auto& [name, count] : current_loss_.objects) objects[name] = count;
  events_.push_back(Event{current_loss_.time, "data_loss", current_loss_.component,
                          nlohmann::json{{"chunks", current_loss_.chunks}, {"bytes", current_loss_.bytes},
                                         {"objects", objects}}
                              .dump()});
  current_loss_.chunks = 0;
}

void StorageSystem::enqueue(const RepairTask& task) {
  const int left = layout_.stored_pieces(task.chunk) - scheme_->pieces_needed();
  const int level = task.is_restore ? 0 : std::clamp(left, 0, scheme_->pieces() - 1);
  queue_[static_cast<std::size_t>(level)].push_back(task);
  ++queued_;
}

void StorageSystem::schedule_pump(double at) {
  if (is_pump_scheduled_ && pump_at_ <= at) return;
  is_pump_scheduled_ = true;
  pump_at_ = at;
  schedule_at(at, [this, at] {
    if (pump_at_ != at) return;  // superseded by an earlier pump
    is_pump_scheduled_ = false;
    pump();
  });
}

void StorageSystem::pump() {
  if (is_stopped_) return;
  const double now = sg4::Engine::get_clock();
  const auto parallelism = static_cast<std::size_t>(spec_.data.repair.parallelism);
  while (transfers_.size() < parallelism && queued_ > 0) {
    auto level = std::find_if(queue_.begin(), queue_.end(), [](const auto& tasks) { return !tasks.empty(); });
    const RepairTask task = level->front();
    if (!try_start(task, now)) {  // paced: wait for the budget
      schedule_pump(pace_time_);
      return;
    }
    level->pop_front();
    --queued_;
  }
}

std::vector<int> StorageSystem::targets_in_flight(int chunk) const {
  std::vector<int> targets;
  if (reserved_[static_cast<std::size_t>(chunk)] == 0) return targets;
  for (const auto& [id, transfer] : transfers_)
    if (transfer->task.chunk == chunk) targets.push_back(transfer->target);
  return targets;
}

bool StorageSystem::is_slot_free(int chunk, int slot) const {
  if (layout_.disk_of(chunk, slot) != ChunkLayout::kNoDisk) return false;
  if (reserved_[static_cast<std::size_t>(chunk)] == 0) return true;
  for (const auto& [id, transfer] : transfers_)
    if (transfer->task.chunk == chunk && transfer->slot == slot) return false;
  return true;
}

bool StorageSystem::try_start(const RepairTask& task, double now) {
  const int chunk = task.chunk;
  const auto c = static_cast<std::size_t>(chunk);
  // A lost chunk is restored from its origin, any other rebuilt from its pieces.
  const bool is_lost = is_lost_[c] != 0;
  const int missing = scheme_->pieces() - layout_.stored_pieces(chunk) - reserved_[c];
  if (missing <= 0) return true;
  int slot = task.slot;
  if (slot >= 0 && !is_slot_free(chunk, slot)) return true;
  if (slot < 0)
    for (int s = 0; s < scheme_->pieces() && slot < 0; ++s)
      if (is_slot_free(chunk, s)) slot = s;
  const double bytes = piece_bytes(chunk);

  std::vector<int> sources;
  if (!is_lost) {
    // Readable pieces, starting at a chunk-dependent slot so reads spread over the survivors.
    for (int k = 0; k < scheme_->pieces() && static_cast<int>(sources.size()) < scheme_->pieces_needed(); ++k) {
      const int disk = layout_.disk_of(chunk, (chunk + k) % scheme_->pieces());
      if (disk != ChunkLayout::kNoDisk && is_readable(disk)) sources.push_back(disk);
    }
    if (static_cast<int>(sources.size()) < scheme_->pieces_needed()) {
      blocked_.push_back(task);  // until a node comes back
      return true;
    }
  }
  int target = task.target;
  if (target >= 0) {
    if (!is_writable(target) || view_.disks[static_cast<std::size_t>(target)].free_bytes < bytes) {
      awaiting_replacement_[static_cast<std::size_t>(target)].push_back(RepairTask{chunk, slot, target, is_lost});
      return true;
    }
  } else {
    std::vector<int> holding = layout_.disks_of(chunk);
    const std::vector<int> in_flight = targets_in_flight(chunk);
    holding.insert(holding.end(), in_flight.begin(), in_flight.end());
    const std::vector<int> chosen = placement_->choose(view_, holding, 1, bytes, placement_random_);
    if (chosen.empty()) {
      blocked_.push_back(task);  // no disk may take it now
      return true;
    }
    target = chosen.front();
  }
  if (!is_lost && spec_.data.repair.bandwidth > 0) {
    if (pace_time_ > now + 1e-12) return false;
    pace_time_ = std::max(now, pace_time_) + bytes * static_cast<double>(sources.size()) / spec_.data.repair.bandwidth;
  }
  start_transfer(task, slot, target, sources);
  return true;
}

void StorageSystem::start_transfer(const RepairTask& task, int slot, int target, const std::vector<int>& sources) {
  auto transfer = std::make_unique<Transfer>();
  Transfer& t = *transfer;
  t.owner = this;
  t.id = next_transfer_++;
  t.task = task;
  t.slot = slot;
  t.target = target;
  t.sources = sources;
  t.bytes = piece_bytes(task.chunk);
  const auto size = static_cast<std::uint64_t>(std::llround(t.bytes));
  // Disk to disk: each Comm crosses the source disk's read link, both NICs, the
  // fabric and the target disk's write link (see SimStorageNode).
  sg4::Host* target_host = disks_[static_cast<std::size_t>(target)];
  if (sources.empty()) {
    t.activities.push_back(sg4::Comm::sendto_init(origin_, target_host)->set_payload_size(size));
  } else {
    for (int source : sources)
      t.activities.push_back(
          sg4::Comm::sendto_init(disks_[static_cast<std::size_t>(source)], target_host)->set_payload_size(size));
  }
  t.remaining = static_cast<int>(t.activities.size());
  ++reserved_[static_cast<std::size_t>(task.chunk)];
  reserved_bytes_[static_cast<std::size_t>(target)] += t.bytes;
  refresh_view(target);
  const int id = t.id;
  transfers_.emplace(id, std::move(transfer));
  for (const sg4::ActivityPtr& activity : transfers_.at(id)->activities) CompletionDispatch::start(activity, transfers_.at(id).get());
}

void StorageSystem::release(Transfer& transfer) {
  --reserved_[static_cast<std::size_t>(transfer.task.chunk)];
  reserved_bytes_[static_cast<std::size_t>(transfer.target)] -= transfer.bytes;
  refresh_view(transfer.target);
}

void StorageSystem::on_transfer_part_done(Transfer& transfer) {
  const double now = sg4::Engine::get_clock();
  retired_transfers_.clear();  // their callbacks have returned
  std::unique_ptr<Transfer> done = std::move(transfers_.at(transfer.id));
  transfers_.erase(transfer.id);
  release(*done);
  const int chunk = done->task.chunk;
  const double sources = static_cast<double>(done->sources.size());
  if (done->sources.empty()) {
    restore_bytes_ += done->bytes;
    if (egress_listener_ && !data_site_.empty() && backup_destination_ != data_site_)
      egress_listener_(backup_destination_, done->bytes);  // restored from the off-site backup
  } else {
    repair_read_ += sources * done->bytes;
    repair_network_ += sources * done->bytes;
    repair_written_ += done->bytes;
    ++pieces_rebuilt_;
  }
  put_piece(chunk, done->slot, done->target, now);
  const auto c = static_cast<std::size_t>(chunk);
  if (is_lost_[c] != 0 && layout_.stored_pieces(chunk) == scheme_->pieces()) {
    is_lost_[c] = 0;
    ++chunks_restored_;
    restore_seconds_ += now - lost_at_[c];
  }
  // `done` (the handler of the activity now completing) outlives this call: retire it.
  retired_transfers_.push_back(std::move(done));
  pump();
}

void StorageSystem::abort_transfer(int id, bool requeue) {
  auto it = transfers_.find(id);
  if (it == transfers_.end()) return;
  std::unique_ptr<Transfer> transfer = std::move(it->second);
  transfers_.erase(it);
  for (sg4::ActivityPtr& activity : transfer->activities) {
    if (!activity) continue;
    activity->set_data(nullptr);
    if (activity->get_state() != sg4::Activity::State::FINISHED) activity->cancel();
    CompletionDispatch::keep_until_end(std::move(activity));
  }
  release(*transfer);
  if (requeue) enqueue(transfer->task);
  retired_transfers_.push_back(std::move(transfer));
}

void StorageSystem::abort_transfers_touching(int node, int disk) {
  std::vector<int> ids;
  for (const auto& [id, transfer] : transfers_) {
    bool touches = node_of_disk(transfer->target) == node || transfer->target == disk;
    for (int source : transfer->sources) touches = touches || node_of_disk(source) == node || source == disk;
    if (touches) ids.push_back(id);
  }
  for (int id : ids) abort_transfer(id, true);
}

void StorageSystem::on_failed(int failure, const std::vector<int>& storage_nodes, const std::vector<int>& disks,
                              double now, const std::string& /*cause*/, const std::string& component) {
  if (is_stopped_) return;
  loss_component_ = component;
  FailureExposure& exposure = exposures_[failure];
  exposure.time = now;
  exposure.component = component;
  const bool is_replacement = spec_.data.repair.target == DataRepairSpec::Target::replacement;
  std::vector<int> lost_chunks;
  for (const int global : disks) {
    const int disk = local_disk(global);
    if (disk < 0) continue;
    ++disk_failed_[static_cast<std::size_t>(disk)];
    abort_transfers_touching(-1, disk);
    const std::vector<std::int64_t> pieces = layout_.pieces_on(disk);
    for (const std::int64_t piece : pieces) {
      const int chunk = static_cast<int>(piece / scheme_->pieces());
      const int slot = static_cast<int>(piece % scheme_->pieces());
      lose_piece(chunk, slot, failure, now);
      if (is_replacement)
        awaiting_replacement_[static_cast<std::size_t>(disk)].push_back(RepairTask{chunk, slot, disk, false});
      else
        lost_chunks.push_back(chunk);
    }
    refresh_view(disk);
  }
  for (const int global : storage_nodes) {
    const int node = local_node(global);
    if (node < 0) continue;
    if (node_down_[static_cast<std::size_t>(node)]++ == 0) ++node_outage_[static_cast<std::size_t>(node)];
    abort_transfers_touching(node, -1);
    for (int k = 0; k < disks_per_node_; ++k) refresh_view(node * disks_per_node_ + k);
    if (!is_replacement) {
      const int outage = node_outage_[static_cast<std::size_t>(node)];
      const double delay = sample_delay();
      schedule_at(now + delay, [this, node, outage, failure] {
        if (is_stopped_ || node_down_[static_cast<std::size_t>(node)] == 0 ||
            node_outage_[static_cast<std::size_t>(node)] != outage)
          return;
        declare_node_lost(node, failure, sg4::Engine::get_clock());
      });
    }
  }
  finish_loss_event();
  if (!lost_chunks.empty()) {
    const double delay = sample_delay();
    schedule_at(now + delay, [this, lost_chunks, component, failure] {
      if (is_stopped_) return;
      start_rebuild(lost_chunks, component, failure, sg4::Engine::get_clock());
    });
  }
  pump();
}

double StorageSystem::sample_delay() {
  return to_distribution(spec_.data.repair.delay).sample(delay_random_);
}

void StorageSystem::start_rebuild(const std::vector<int>& chunks, const std::string& component, int failure, double now) {
  for (const int chunk : chunks) enqueue(RepairTask{chunk, -1, -1, false});
  events_.push_back(Event{now, "rebuild_started", component,
                          nlohmann::json{{"failure", failure}, {"pieces", chunks.size()}}.dump()});
  pump();
}

void StorageSystem::declare_node_lost(int node, int failure, double now) {
  std::vector<int> lost_chunks;
  if (const auto it = exposures_.find(failure); it != exposures_.end()) loss_component_ = it->second.component;
  for (int k = 0; k < disks_per_node_; ++k) {
    const int disk = node * disks_per_node_ + k;
    const std::vector<std::int64_t> pieces = layout_.pieces_on(disk);
    for (const std::int64_t piece : pieces) {
      const int chunk = static_cast<int>(piece / scheme_->pieces());
      lose_piece(chunk, static_cast<int>(piece % scheme_->pieces()), failure, now);
      lost_chunks.push_back(chunk);
    }
  }
  finish_loss_event();
  const auto it = exposures_.find(failure);
  start_rebuild(lost_chunks, it != exposures_.end() ? it->second.component : std::string("storage"), failure, now);
}

void StorageSystem::on_repaired(int failure, const std::vector<int>& storage_nodes, const std::vector<int>& disks,
                                double now) {
  if (is_stopped_) return;
  for (const int global : disks) {
    const int disk = local_disk(global);
    if (disk < 0) continue;
    if (--disk_failed_[static_cast<std::size_t>(disk)] > 0) continue;
    refresh_view(disk);
    // replacement: the new disk is rebuilt with what the old one held.
    auto& awaiting = awaiting_replacement_[static_cast<std::size_t>(disk)];
    if (awaiting.empty()) continue;
    for (const RepairTask& task : awaiting) enqueue(task);
    const auto it = exposures_.find(failure);
    events_.push_back(Event{now, "rebuild_started", it != exposures_.end() ? it->second.component : std::string("disk"),
                            nlohmann::json{{"failure", failure}, {"pieces", awaiting.size()}}.dump()});
    awaiting.clear();
  }
  for (const int global : storage_nodes) {
    const int node = local_node(global);
    if (node < 0) continue;
    --node_down_[static_cast<std::size_t>(node)];
    for (int k = 0; k < disks_per_node_; ++k) refresh_view(node * disks_per_node_ + k);
  }
  if (const auto it = exposures_.find(failure); it != exposures_.end() && it->second.pieces_lost == 0) exposures_.erase(it);
  // Rebuilds that waited for a readable source or a writable disk try again.
  std::vector<RepairTask> blocked;
  blocked.swap(blocked_);
  for (const RepairTask& task : blocked) enqueue(task);
  pump();
}

void StorageSystem::schedule_backups() {
  for (const PlannedBackup& planned : plan_backups(backup_policy_, spec_.duration))
    schedule_at(planned.time, [this, planned] { on_backup_due(planned.is_full, planned.time); });
}

void StorageSystem::on_backup_due(bool is_full, double now) {
  if (is_stopped_) return;
  if (!is_backup_running_) return start_backup(is_full, now);
  // The running backup delays this one (two due meanwhile merge into one); a full
  // one due meanwhile wins over an incremental.
  is_backup_waiting_ = true;
  waiting_is_full_ = waiting_is_full_ || is_full;
  ++backups_delayed_;
}

void StorageSystem::start_backup(bool is_full, double now) {
  auto backup = std::make_unique<BackupTransfer>();
  backup->owner = this;
  backup->is_full = is_full;
  backup->start = now;
  backup->bytes = backup_bytes(backup_policy_, is_full, data_bytes_, now - previous_backup_start_);
  // Every available storage node sends its share, from its disks to the destination.
  std::vector<int> sources;
  for (int node = 0; node < node_count_; ++node)
    if (node_down_[static_cast<std::size_t>(node)] == 0) sources.push_back(node);
  if (sources.empty()) return;  // nothing readable: this backup is skipped
  const auto share = static_cast<std::uint64_t>(std::llround(backup->bytes / static_cast<double>(sources.size())));
  for (const int node : sources)
    backup->activities.push_back(
        sg4::Comm::sendto_init(disks_[static_cast<std::size_t>(node * disks_per_node_)], origin_)->set_payload_size(share));
  backup->remaining = static_cast<int>(backup->activities.size());
  previous_backup_start_ = now;
  is_backup_running_ = true;
  retired_backups_.clear();  // started from a timer: no backup callback is running
  if (backup_) retired_backups_.push_back(std::move(backup_));
  backup_ = std::move(backup);
  for (const sg4::ActivityPtr& activity : backup_->activities) CompletionDispatch::start(activity, backup_.get());
}

void StorageSystem::on_backup_done(BackupTransfer& backup) {
  const double now = sg4::Engine::get_clock();
  is_backup_running_ = false;
  if (is_stopped_) return;
  const double seconds = now - backup.start;
  ++(backup.is_full ? full_backups_ : incremental_backups_);
  backup_bytes_ += backup.bytes;
  if (egress_listener_ && backup_destination_ != data_site_) egress_listener_(data_site_, backup.bytes);
  backup_seconds_sum_ += seconds;
  backup_seconds_max_ = std::max(backup_seconds_max_, seconds);
  last_snapshot_ = backup.start;
  events_.push_back(Event{now, "backup_done", backup_destination_,
                          nlohmann::json{{"kind", backup.is_full ? "full" : "incremental"},
                                         {"bytes", backup.bytes},
                                         {"seconds", seconds}}
                              .dump()});
  if (is_backup_waiting_) {
    is_backup_waiting_ = false;
    const bool is_full = waiting_is_full_;
    waiting_is_full_ = false;
    // Not from inside this completion callback's handler: it would replace it.
    schedule_at(now, [this, is_full, now] {
      if (!is_stopped_ && !is_backup_running_) start_backup(is_full, now);
    });
  }
}

void StorageSystem::account_unrecoverable(int chunk, double now) {
  if (!spec_.data.backup.is_enabled) return;
  const double bytes = layout_.chunk_bytes(chunk);
  if (last_snapshot_ < 0) {
    bytes_unrecoverable_ += bytes;  // no backup to restore from yet
    return;
  }
  const double age = now - last_snapshot_;
  bytes_unrecoverable_ += bytes * changed_since(backup_policy_, age);
  recovery_age_sum_ += age;
  ++recovery_ages_;
}

void StorageSystem::stop(double now) {
  is_stopped_ = true;
  finish_loss_event();
  degraded_integral_.advance(now);
  advance_stored(now);
  if (is_at_risk_) at_risk_seconds_ += now - at_risk_since_;
  at_risk_since_ = now;
  is_at_risk_ = false;
}

void StorageSystem::sample(double now, std::vector<TimeSeries>& series) {
  auto put = [&](const char* name, double value) { append_cluster_point(series, name, now, value); };
  const double interval = now - last_sample_;
  const double moved = repair_written_ + restore_bytes_;
  put("data.under_replicated_chunks", static_cast<double>(degraded_));
  put("data.repair_queue", static_cast<double>(queued_ + static_cast<std::int64_t>(blocked_.size()) +
                                                static_cast<std::int64_t>(transfers_.size())));
  put("data.repair_throughput", interval > 0 ? (moved - repair_written_at_sample_) / interval : 0.0);
  put("data.bytes_lost", bytes_lost_);
  repair_written_at_sample_ = moved;
  last_sample_ = now;
}

double StorageSystem::node_cost_per_hour() const {
  return site_of(spec_).storage.price_per_hour * static_cast<double>(node_count_);
}

void StorageSystem::report(RunResult& result) const {
  auto put = [&](const std::string& metric, double value, const char* unit) {
    result.summary.push_back(SummaryMetric{metric, value, unit});
  };
  double logical = 0.0;
  for (int c = 0; c < layout_.chunks(); ++c) logical += layout_.chunk_bytes(c);
  const double capacity = disk_capacity_ * static_cast<double>(disks_.size());
  put("data.objects", static_cast<double>(object_names_.size()), "1");
  put("data.chunks", layout_.chunks(), "1");
  put("data.bytes", logical, "B");
  put("data.bytes_stored", layout_.stored_bytes(), "B");
  put("data.capacity", capacity, "B");
  put("data.utilization", layout_.stored_bytes() / capacity, "1");
  put("data.loss_events", static_cast<double>(loss_events_), "1");
  put("data.chunks_lost", static_cast<double>(chunks_lost_), "1");
  put("data.bytes_lost", bytes_lost_, "B");
  put("data.under_replicated_chunk_hours", degraded_integral_.area() / 3600.0, "chunk*h");
  put("data.pieces_rebuilt", static_cast<double>(pieces_rebuilt_), "1");
  put("data.repair_bytes_read", repair_read_, "B");
  put("data.repair_bytes_network", repair_network_, "B");
  put("data.repair_bytes_written", repair_written_, "B");
  put("data.restore_bytes", restore_bytes_, "B");
  put("data.chunks_restored", static_cast<double>(chunks_restored_), "1");
  const double nan = std::numeric_limits<double>::quiet_NaN();
  put("data.restore_time_mean", chunks_restored_ > 0 ? restore_seconds_ / static_cast<double>(chunks_restored_) : nan, "s");
  double sum = 0.0, longest = 0.0;
  for (const double t : times_to_full_redundancy_) {
    sum += t;
    longest = std::max(longest, t);
  }
  const auto exposures = static_cast<double>(times_to_full_redundancy_.size());
  put("data.redundancy_restorations", exposures, "1");
  put("data.time_to_full_redundancy_mean", exposures > 0 ? sum / exposures : nan, "s");
  put("data.time_to_full_redundancy_max", exposures > 0 ? longest : nan, "s");
  put("data.at_risk_hours", at_risk_seconds_ / 3600.0, "h");
  const MeanTimeEstimate mttdl = poisson_mean_time_estimate(at_risk_seconds_ / 3600.0, episode_losses_);
  put("data.mttdl", episode_losses_ > 0 ? mttdl.mean : nan, "h");
  put("data.mttdl_ci_low", mttdl.low, "h");
  put("data.mttdl_ci_high", episode_losses_ > 0 ? mttdl.high : nan, "h");
  if (spec_.data.backup.is_enabled) {
    const double backups = static_cast<double>(full_backups_ + incremental_backups_);
    put("backup.full_count", static_cast<double>(full_backups_), "1");
    put("backup.incremental_count", static_cast<double>(incremental_backups_), "1");
    put("backup.delayed", static_cast<double>(backups_delayed_), "1");
    put("backup.bytes", backup_bytes_, "B");
    put("backup.duration_mean", backups > 0 ? backup_seconds_sum_ / backups : nan, "s");
    put("backup.duration_max", backups > 0 ? backup_seconds_max_ : nan, "s");
    put("backup.recovery_point_age_mean",
        recovery_ages_ > 0 ? recovery_age_sum_ / static_cast<double>(recovery_ages_) : nan, "s");
    put("data.bytes_unrecoverable", bytes_unrecoverable_, "B");
  }
}

double StorageSystem::cost_at(double now) const {
  const double byte_seconds = stored_bytes_integral_ + layout_.stored_bytes() * std::max(0.0, now - stored_since_);
  return node_cost_per_hour() * now / 3600.0 + byte_seconds / 1e9 / (730.0 * 3600.0) * spec_.data.price_per_gb_month;
}

}  // namespace leptonsim
