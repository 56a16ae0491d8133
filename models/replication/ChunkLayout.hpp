// Where every piece of every chunk lives: the data plane's bookkeeping.
//
// A chunk has `pieces_per_chunk` slots; a slot holds a disk index or is empty
// (piece lost or not written yet). Per disk, the pieces it holds are kept in a
// list with O(1) removal, so a disk failure visits only its own pieces.
// Plain C++, no SimGrid; the storage simulator drives it.
#pragma once

#include <cstdint>
#include <vector>

namespace leptonsim {

class ChunkLayout {
public:
  static constexpr int kNoDisk = -1;

  ChunkLayout(int disks, int pieces_per_chunk);

  // A new chunk with every slot empty; returns its index.
  int add_chunk(int object, double bytes);
  int chunks() const { return static_cast<int>(object_.size()); }
  int pieces_per_chunk() const { return pieces_; }
  int object_of(int chunk) const { return object_[static_cast<std::size_t>(chunk)]; }
  double chunk_bytes(int chunk) const { return bytes_[static_cast<std::size_t>(chunk)]; }

  int disk_of(int chunk, int slot) const { return disk_[piece_id(chunk, slot)]; }
  // Slots holding a piece.
  int stored_pieces(int chunk) const { return stored_[static_cast<std::size_t>(chunk)]; }
  // Disks holding the chunk's pieces.
  std::vector<int> disks_of(int chunk) const;
  // The first empty slot, or -1.
  int empty_slot(int chunk) const;

  // Puts a piece of `piece_bytes` in an empty slot on `disk`.
  void place(int chunk, int slot, int disk, double piece_bytes);
  // Empties a slot (the piece is lost); its disk's bytes are freed.
  void remove(int chunk, int slot, double piece_bytes);

  // Pieces on a disk, as chunk * pieces_per_chunk + slot.
  const std::vector<std::int64_t>& pieces_on(int disk) const { return on_disk_[static_cast<std::size_t>(disk)]; }
  double used_bytes(int disk) const { return used_[static_cast<std::size_t>(disk)]; }
  double stored_bytes() const { return stored_bytes_; }

private:
  std::size_t piece_id(int chunk, int slot) const {
    return static_cast<std::size_t>(chunk) * static_cast<std::size_t>(pieces_) + static_cast<std::size_t>(slot);
  }

  int pieces_;
  std::vector<int> object_;
  std::vector<double> bytes_;
  std::vector<std::uint8_t> stored_;               // per chunk
  std::vector<int> disk_;                          // per piece
  std::vector<std::int32_t> position_;             // per piece: index in its disk's list
  std::vector<std::vector<std::int64_t>> on_disk_; // per disk
  std::vector<double> used_;                       // per disk
  double stored_bytes_ = 0.0;
};

}  // namespace leptonsim
