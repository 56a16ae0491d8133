// HardwareCatalog: GPU types, node shapes, disk types and prices, referenced by name from scenarios.
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
  double base_power_watts = 0.0;    // W drawn by everything but the GPUs while the node is on
  double off_power_watts = 0.0;     // W drawn while the node is powered off (BMC, power supplies)
};

// How a node is paid for.
enum class Purchase { on_demand, reserved_1y, reserved_3y, spot, owned };
const std::vector<Purchase>& all_purchases();
std::string purchase_name(Purchase purchase);  // "on_demand", "reserved_1y", ...
std::optional<Purchase> purchase_from_name(const std::string& name);

// One provider's price list (data/prices.yaml): USD per node-hour by purchase
// type for the node shapes it rents, and its data prices.
struct ProviderPrices {
  std::string name;                                              // e.g. "aws"
  double egress_per_gb = 0.0;                                    // USD per GB sent from one site (region) to another
  double storage_per_gb_month = 0.0;                             // USD per GB stored per month
  std::map<std::string, std::map<Purchase, double>> node_prices; // node shape -> purchase type -> USD/h (rented types only)
};

// Owned hardware: bought once and amortised straight-line over its lifetime.
struct OwnedNodePrice {
  std::string node;                 // node shape name
  double purchase_price = 0.0;      // USD per node
  double lifetime_seconds = 0.0;    // amortisation period
  double per_hour() const { return lifetime_seconds > 0 ? purchase_price / (lifetime_seconds / 3600.0) : 0.0; }
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
  // Adds the providers and owned-hardware prices of a data/prices.yaml text (node
  // shapes must be known); throws std::runtime_error naming the file and line on error.
  void parse_prices(const std::string& prices_yaml, const std::string& prices_name);

  const GpuType* find_gpu(const std::string& name) const;
  const DiskType* find_disk(const std::string& name) const;
  std::vector<std::string> disk_names() const;
  const NodeShape* find_node_shape(const std::string& name) const;
  std::vector<std::string> gpu_names() const;
  std::vector<std::string> node_shape_names() const;

  void put_gpu(GpuType gpu) { gpus_[gpu.name] = std::move(gpu); }
  void put_node_shape(NodeShape shape) { node_shapes_[shape.name] = std::move(shape); }
  void put_disk(DiskType disk) { disks_[disk.name] = std::move(disk); }

  const ProviderPrices* find_provider(const std::string& name) const;
  std::vector<std::string> provider_names() const;
  const OwnedNodePrice* find_owned(const std::string& node) const;
  void put_provider(ProviderPrices provider) { providers_[provider.name] = std::move(provider); }
  void put_owned(OwnedNodePrice owned) { owned_[owned.node] = std::move(owned); }
  const std::string& prices_date() const { return prices_date_; }

private:
  std::map<std::string, GpuType> gpus_;
  std::map<std::string, NodeShape> node_shapes_;
  std::map<std::string, DiskType> disks_;
  std::map<std::string, ProviderPrices> providers_;
  std::map<std::string, OwnedNodePrice> owned_;
  std::string prices_date_;  // when data/prices.yaml was collected
};

}  // namespace leptonsim
