// HardwareCatalog: GPU types, node shapes and disk types, referenced by name from scenarios.
//
// The built-in catalogue comes from data/gpus.yaml and data/node_shapes.yaml
// (compiled into the binary); a scenario's `catalog:` section adds entries or
// overrides fields of existing ones. All values are in SI units.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace leptonsim {

struct GpuType {
  std::string name;                 // e.g. "H100-SXM"
  double dense_bf16_flops = 0.0;    // FLOP/s, dense BF16 tensor-core peak
  double memory_bytes = 0.0;        // HBM capacity, bytes
  double memory_bandwidth = 0.0;    // HBM bandwidth, bytes/s
  double nvlink_bandwidth = 0.0;    // per-GPU NVLink bandwidth, bytes/s per direction (0 = PCIe only)
  double idle_power_watts = 0.0;    // W at idle
  double max_power_watts = 0.0;     // W at full load (TDP)
};

struct NodeShape {
  std::string name;                 // e.g. "h100x8"
  std::string gpu_type;             // GpuType name
  int gpus = 0;                     // GPUs per node
  int cpu_cores = 0;                // host CPU cores
  double cpu_flops = 0.0;           // FLOP/s of the host CPU (all cores)
  double nic_bandwidth = 0.0;       // bytes/s, aggregate node network bandwidth (all NICs)
  double pcie_bandwidth = 0.0;      // bytes/s between a GPU and the host/NIC when there is no NVLink
  double price_per_hour = 0.0;      // USD per node-hour (on-demand)
};

struct DiskType {
  std::string name;                 // e.g. "nvme-7680gb"
  double capacity_bytes = 0.0;      // bytes
  double read_bandwidth = 0.0;      // bytes/s, sequential
  double write_bandwidth = 0.0;     // bytes/s, sequential
};

class HardwareCatalog {
public:
  // The catalogue shipped in data/ (parsed once from the embedded YAML).
  static const HardwareCatalog& builtin();
  // Parses catalogue YAML texts; throws std::runtime_error naming the file and line on error.
  static HardwareCatalog parse(const std::string& gpus_yaml, const std::string& gpus_name,
                               const std::string& node_shapes_yaml, const std::string& node_shapes_name);

  // Adds the disk types of a data/disks.yaml text; throws std::runtime_error naming the file and line on error.
  void parse_disks(const std::string& disks_yaml, const std::string& disks_name);

  const GpuType* find_gpu(const std::string& name) const;
  const DiskType* find_disk(const std::string& name) const;
  std::vector<std::string> disk_names() const;
  const NodeShape* find_node_shape(const std::string& name) const;
  std::vector<std::string> gpu_names() const;
  std::vector<std::string> node_shape_names() const;

  void put_gpu(GpuType gpu) { gpus_[gpu.name] = std::move(gpu); }
  void put_node_shape(NodeShape shape) { node_shapes_[shape.name] = std::move(shape); }
  void put_disk(DiskType disk) { disks_[disk.name] = std::move(disk); }

private:
  std::map<std::string, GpuType> gpus_;
  std::map<std::string, NodeShape> node_shapes_;
  std::map<std::string, DiskType> disks_;
};

}  // namespace leptonsim
