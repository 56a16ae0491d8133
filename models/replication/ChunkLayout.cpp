#include "replication/ChunkLayout.hpp"

#include <stdexcept>

namespace leptonsim {

ChunkLayout::ChunkLayout(int disks, int pieces_per_chunk)
    : pieces_(pieces_per_chunk), on_disk_(static_cast<std::size_t>(disks)), used_(static_cast<std::size_t>(disks), 0.0) {
  if (pieces_per_chunk < 1 || pieces_per_chunk > 255) throw std::invalid_argument("pieces per chunk must be in 1..255");
}

int ChunkLayout::add_chunk(int object, double bytes) {
  object_.push_back(object);
  bytes_.push_back(bytes);
  stored_.push_back(0);
  disk_.insert(disk_.end(), static_cast<std::size_t>(pieces_), kNoDisk);
  position_.insert(position_.end(), static_cast<std::size_t>(pieces_), -1);
  return static_cast<int>(object_.size()) - 1;
}

std::vector<int> ChunkLayout::disks_of(int chunk) const {
  std::vector<int> disks;
  for (int slot = 0; slot < pieces_; ++slot)
    if (disk_of(chunk, slot) != kNoDisk) disks.push_back(disk_of(chunk, slot));
  return disks;
}

int ChunkLayout::empty_slot(int chunk) const {
  for (int slot = 0; slot < pieces_; ++slot)
    if (disk_of(chunk, slot) == kNoDisk) return slot;
  return -1;
}

void ChunkLayout::place(int chunk, int slot, int disk, double piece_bytes) {
  const std::size_t id = piece_id(chunk, slot);
  if (disk_[id] != kNoDisk) throw std::logic_error("ChunkLayout::place: slot already holds a piece");
  disk_[id] = disk;
  auto& list = on_disk_[static_cast<std::size_t>(disk)];
  position_[id] = static_cast<std::int32_t>(list.size());
  list.push_back(static_cast<std::int64_t>(id));
  used_[static_cast<std::size_t>(disk)] += piece_bytes;
  stored_bytes_ += piece_bytes;
  ++stored_[static_cast<std::size_t>(chunk)];
}

void ChunkLayout::remove(int chunk, int slot, double piece_bytes) {
  const std::size_t id = piece_id(chunk, slot);
  const int disk = disk_[id];
  if (disk == kNoDisk) return;
  auto& list = on_disk_[static_cast<std::size_t>(disk)];
  const std::int32_t at = position_[id];
  const std::int64_t moved = list.back();
  list[static_cast<std::size_t>(at)] = moved;
  position_[static_cast<std::size_t>(moved)] = at;
  list.pop_back();
  disk_[id] = kNoDisk;
  position_[id] = -1;
  used_[static_cast<std::size_t>(disk)] -= piece_bytes;
  stored_bytes_ -= piece_bytes;
  --stored_[static_cast<std::size_t>(chunk)];
}

}  // namespace leptonsim
