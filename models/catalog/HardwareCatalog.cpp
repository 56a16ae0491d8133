// HardwareCatalog: parsing of data/gpus.yaml and data/node_shapes.yaml.
//
// The catalogue has its own tiny unit parser for the few units it uses (FLOPS,
// bytes, bytes or bits per second, watts, dollars per hour). The scenario loader
// has the general one; keeping a private copy here avoids a dependency from the
// catalogue library on the scenario library (which depends on the catalogue).
#include "catalog/HardwareCatalog.hpp"
#include "common/TextDistance.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string_view>

namespace leptonsim {
namespace {

enum class Dimension { flops, bytes, bandwidth, power, price, money, transfer_price, storage_price, years };

struct UnitSuffix {
  std::string_view suffix;
  Dimension dimension;
  double factor;  // multiplier to the SI base unit (FLOP/s, byte, byte/s, W)
};

// Case matters: "B" is a byte and "b" a bit (Gbps = 10^9 bits/s = 1.25e8 bytes/s).
constexpr UnitSuffix kUnitSuffixes[] = {
    {"FLOPS", Dimension::flops, 1.0},           {"kFLOPS", Dimension::flops, 1e3},
    {"MFLOPS", Dimension::flops, 1e6},          {"GFLOPS", Dimension::flops, 1e9},
    {"TFLOPS", Dimension::flops, 1e12},         {"PFLOPS", Dimension::flops, 1e15},
    {"B", Dimension::bytes, 1.0},               {"kB", Dimension::bytes, 1e3},
    {"MB", Dimension::bytes, 1e6},              {"GB", Dimension::bytes, 1e9},
    {"TB", Dimension::bytes, 1e12},             {"KiB", Dimension::bytes, 1024.0},
    {"MiB", Dimension::bytes, 1048576.0},       {"GiB", Dimension::bytes, 1073741824.0},
    {"TiB", Dimension::bytes, 1099511627776.0}, {"Bps", Dimension::bandwidth, 1.0},
    {"kBps", Dimension::bandwidth, 1e3},        {"MBps", Dimension::bandwidth, 1e6},
    {"GBps", Dimension::bandwidth, 1e9},        {"TBps", Dimension::bandwidth, 1e12},
    {"bps", Dimension::bandwidth, 1.0 / 8},     {"kbps", Dimension::bandwidth, 1e3 / 8},
    {"Mbps", Dimension::bandwidth, 1e6 / 8},    {"Gbps", Dimension::bandwidth, 1e9 / 8},
    {"Tbps", Dimension::bandwidth, 1e12 / 8},   {"W", Dimension::power, 1.0},
    {"kW", Dimension::power, 1e3},
};

const char* expectation(Dimension dimension) {
  switch (dimension) {
    case Dimension::flops: return "a FLOP rate such as 989TFLOPS";
    case Dimension::bytes: return "a size such as 80GB or 80GiB";
    case Dimension::bandwidth: return "a bandwidth such as 450GBps or 400Gbps";
    case Dimension::power: return "a power such as 700W";
    case Dimension::price: return "a price per hour such as $98.32/h";
    case Dimension::money: return "an amount such as $289000";
    case Dimension::transfer_price: return "a price per GB such as $0.02/GB";
    case Dimension::storage_price: return "a price per GB-month such as $0.023/GB-month";
    case Dimension::years: return "a number of years such as 5y";
  }
  return "a quantity";
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

// Parses a leading non-negative finite number; returns the rest in `rest`.
std::optional<double> parse_leading_number(std::string_view text, std::string_view& rest) {
  double value = 0.0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || !std::isfinite(value) || value < 0.0) return std::nullopt;
  rest = trim(std::string_view(end, static_cast<std::size_t>(text.data() + text.size() - end)));
  return value;
}

// "989TFLOPS", "80GiB", "3.35TBps", "400Gbps", "700W", "$98.32/h" -> SI value.
std::optional<double> parse_quantity(std::string_view text, Dimension dimension) {
  text = trim(text);
  std::string_view rest;
  const auto dollars = [&](std::string_view suffix) -> std::optional<double> {
    if (text.empty() || text.front() != '$') return std::nullopt;
    const auto value = parse_leading_number(text.substr(1), rest);
    if (!value || rest != suffix) return std::nullopt;
    return value;
  };
  switch (dimension) {
    case Dimension::price: return dollars("/h");
    case Dimension::money: return dollars("");
    case Dimension::transfer_price: return dollars("/GB");
    case Dimension::storage_price: return dollars("/GB-month");
    case Dimension::years: {
      const auto value = parse_leading_number(text, rest);
      if (!value || rest != "y") return std::nullopt;
      return *value * 365 * 86400.0;
    }
    default: break;
  }
  const auto value = parse_leading_number(text, rest);
  if (!value) return std::nullopt;
  for (const auto& unit : kUnitSuffixes) {
    if (unit.suffix == rest && unit.dimension == dimension) return *value * unit.factor;
  }
  return std::nullopt;
}


// Reads one catalogue file and collects every error it finds, each as "file:line:column: message".
class CatalogFileReader {
public:
  explicit CatalogFileReader(std::string file_name) : file_name_(std::move(file_name)) {}

  void error(const YAML::Mark& mark, const std::string& message) {
    if (mark.is_null()) {
      errors_.push_back(fmt::format("{}: {}", file_name_, message));
    } else {
      errors_.push_back(fmt::format("{}:{}:{}: {}", file_name_, mark.line + 1, mark.column + 1, message));
    }
  }
  const std::vector<std::string>& errors() const { return errors_; }
  std::size_t error_count() const { return errors_.size(); }

  // Loads the document and returns the list under `top_key`, or an undefined node after an error.
  YAML::Node load_list(const std::string& text, const std::string& top_key) {
    YAML::Node loaded;
    try {
      loaded = YAML::Load(text);
    } catch (const YAML::Exception& exception) {
      error(exception.mark, exception.msg);
      return YAML::Node(YAML::NodeType::Undefined);
    }
    const YAML::Node document = loaded;  // const: operator[] must not insert keys
    if (!document.IsMap() || !document[top_key]) {
      error(document.Mark(), fmt::format("expected a map with the key '{}'", top_key));
      return YAML::Node(YAML::NodeType::Undefined);
    }
    for (const auto& entry : document) {
      const auto key = entry.first.Scalar();
      if (key != top_key) error(entry.first.Mark(), fmt::format("unknown key '{}' (expected only '{}')", key, top_key));
    }
    YAML::Node list = document[top_key];
    if (!list.IsSequence()) {
      error(list.Mark(), fmt::format("'{}' must be a list", top_key));
      return YAML::Node(YAML::NodeType::Undefined);
    }
    return list;
  }

  // Checks that `entry` is a map whose keys are all in `valid` and has every one of
  // them (all are required). Returns false only when `entry` is not a map.
  bool check_keys(const YAML::Node& entry, const std::string& path, const std::vector<std::string>& valid) {
    if (!entry.IsMap()) {
      error(entry.Mark(), fmt::format("{}: expected a map", path));
      return false;
    }
    for (const auto& item : entry) {
      const auto key = item.first.Scalar();
      if (std::find(valid.begin(), valid.end(), key) != valid.end()) continue;
      std::string hint;
      for (const auto& candidate : valid) {
        if (edit_distance(key, candidate) <= 2) {
          hint = fmt::format(" (did you mean '{}'?)", candidate);
          break;
        }
      }
      error(item.first.Mark(),
            fmt::format("{}: unknown key '{}'{}; valid keys: {}", path, key, hint, fmt::join(valid, ", ")));
    }
    for (const auto& key : valid) {
      if (!entry[key]) error(entry.Mark(), fmt::format("{}: missing required key '{}'", path, key));
    }
    return true;
  }

  std::string read_name(const YAML::Node& entry, const std::string& path, const std::string& key) {
    const YAML::Node node = entry[key];
    if (!node) return {};
    if (!node.IsScalar() || node.Scalar().empty()) {
      error(node.Mark(), fmt::format("{}.{}: expected a non-empty name", path, key));
      return {};
    }
    return node.Scalar();
  }

  double read_quantity(const YAML::Node& entry, const std::string& path, const std::string& key,
                       Dimension dimension, bool zero_allowed) {
    const YAML::Node node = entry[key];
    if (!node) return 0.0;
    const bool is_dollars = dimension == Dimension::price || dimension == Dimension::money ||
                            dimension == Dimension::transfer_price || dimension == Dimension::storage_price;
    if (zero_allowed && !is_dollars && node.IsScalar() && trim(node.Scalar()) == "0") return 0.0;
    const auto value = node.IsScalar() ? parse_quantity(node.Scalar(), dimension) : std::nullopt;
    if (!value) {
      error(node.Mark(), fmt::format("{}.{}: expected {}, got '{}'", path, key, expectation(dimension),
                                     node.IsScalar() ? node.Scalar() : std::string("(not a scalar)")));
      return 0.0;
    }
    if (!zero_allowed && *value <= 0.0) {
      error(node.Mark(), fmt::format("{}.{}: must be greater than zero, got '{}'", path, key, node.Scalar()));
    }
    return *value;
  }

  int read_positive_int(const YAML::Node& entry, const std::string& path, const std::string& key) {
    const YAML::Node node = entry[key];
    if (!node) return 0;
    int value = 0;
    if (node.IsScalar()) {
      const std::string& text = node.Scalar();
      const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (status == std::errc() && end == text.data() + text.size() && value > 0) return value;
    }
    error(node.Mark(), fmt::format("{}.{}: expected a positive integer, got '{}'", path, key,
                                   node.IsScalar() ? node.Scalar() : std::string("(not a scalar)")));
    return 0;
  }

private:
  std::string file_name_;
  std::vector<std::string> errors_;
};

}  // namespace

HardwareCatalog HardwareCatalog::parse(const std::string& gpus_yaml, const std::string& gpus_name,
                                       const std::string& node_shapes_yaml, const std::string& node_shapes_name) {
  HardwareCatalog catalog;
  // Every name an entry declares, valid or not, so that one bad entry does not also
  // show up as an unknown reference or hide a duplicate. Any error throws at the end.
  std::set<std::string> declared_gpus;
  std::set<std::string> declared_shapes;

  CatalogFileReader gpu_reader(gpus_name);
  const YAML::Node gpu_list = gpu_reader.load_list(gpus_yaml, "gpus");
  if (gpu_list.IsSequence()) {
    static const std::vector<std::string> kGpuKeys = {"name",   "dense_bf16", "memory",   "memory_bandwidth",
                                                      "nvlink", "idle_power", "max_power"};
    for (std::size_t i = 0; i < gpu_list.size(); ++i) {
      const YAML::Node entry = gpu_list[i];
      const std::string path = fmt::format("gpus[{}]", i);
      if (!gpu_reader.check_keys(entry, path, kGpuKeys)) continue;
      GpuType gpu;
      gpu.name = gpu_reader.read_name(entry, path, "name");
      gpu.dense_bf16_flops = gpu_reader.read_quantity(entry, path, "dense_bf16", Dimension::flops, false);
      gpu.memory_bytes = gpu_reader.read_quantity(entry, path, "memory", Dimension::bytes, false);
      gpu.memory_bandwidth = gpu_reader.read_quantity(entry, path, "memory_bandwidth", Dimension::bandwidth, false);
      gpu.nvlink_bandwidth = gpu_reader.read_quantity(entry, path, "nvlink", Dimension::bandwidth, true);
      gpu.idle_power_watts = gpu_reader.read_quantity(entry, path, "idle_power", Dimension::power, true);
      gpu.max_power_watts = gpu_reader.read_quantity(entry, path, "max_power", Dimension::power, false);
      if (gpu.idle_power_watts > gpu.max_power_watts && gpu.max_power_watts > 0.0) {
        gpu_reader.error(entry["idle_power"].Mark(),
                         fmt::format("{}.idle_power: must not exceed max_power", path));
      }
      if (gpu.name.empty()) continue;
      if (!declared_gpus.insert(gpu.name).second) {
        gpu_reader.error(entry["name"].Mark(), fmt::format("{}.name: duplicate GPU type '{}'", path, gpu.name));
        continue;
      }
      catalog.put_gpu(std::move(gpu));
    }
  }

  CatalogFileReader shape_reader(node_shapes_name);
  const YAML::Node shape_list = shape_reader.load_list(node_shapes_yaml, "node_shapes");
  if (shape_list.IsSequence()) {
    static const std::vector<std::string> kShapeKeys = {"name", "gpu", "gpus", "cpu_cores",
                                                        "cpu",  "nic", "pcie", "price", "base_power", "off_power"};
    for (std::size_t i = 0; i < shape_list.size(); ++i) {
      const YAML::Node entry = shape_list[i];
      const std::string path = fmt::format("node_shapes[{}]", i);
      if (!shape_reader.check_keys(entry, path, kShapeKeys)) continue;
      NodeShape shape;
      shape.name = shape_reader.read_name(entry, path, "name");
      shape.gpu_type = shape_reader.read_name(entry, path, "gpu");
      shape.gpus = shape_reader.read_positive_int(entry, path, "gpus");
      shape.cpu_cores = shape_reader.read_positive_int(entry, path, "cpu_cores");
      shape.cpu_flops = shape_reader.read_quantity(entry, path, "cpu", Dimension::flops, true);
      shape.nic_bandwidth = shape_reader.read_quantity(entry, path, "nic", Dimension::bandwidth, false);
      shape.pcie_bandwidth = shape_reader.read_quantity(entry, path, "pcie", Dimension::bandwidth, false);
      shape.price_per_hour = shape_reader.read_quantity(entry, path, "price", Dimension::price, true);
      shape.base_power_watts = shape_reader.read_quantity(entry, path, "base_power", Dimension::power, true);
      shape.off_power_watts = shape_reader.read_quantity(entry, path, "off_power", Dimension::power, true);
      if (!shape.gpu_type.empty() && declared_gpus.count(shape.gpu_type) == 0) {
        shape_reader.error(entry["gpu"].Mark(),
                           fmt::format("{}.gpu: unknown GPU type '{}' (known in {}: {})", path, shape.gpu_type,
                                       gpus_name, fmt::join(declared_gpus, ", ")));
      }
      if (shape.name.empty()) continue;
      if (!declared_shapes.insert(shape.name).second) {
        shape_reader.error(entry["name"].Mark(),
                           fmt::format("{}.name: duplicate node shape '{}'", path, shape.name));
        continue;
      }
      catalog.put_node_shape(std::move(shape));
    }
  }

  std::vector<std::string> errors = gpu_reader.errors();
  errors.insert(errors.end(), shape_reader.errors().begin(), shape_reader.errors().end());
  if (!errors.empty()) throw std::runtime_error(fmt::format("{}", fmt::join(errors, "\n")));
  return catalog;
}

void HardwareCatalog::parse_disks(const std::string& disks_yaml, const std::string& disks_name) {
  CatalogFileReader reader(disks_name);
  const YAML::Node list = reader.load_list(disks_yaml, "disks");
  std::set<std::string> declared;
  if (list.IsSequence()) {
    static const std::vector<std::string> kDiskKeys = {"name", "capacity", "read", "write"};
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YAML::Node entry = list[i];
      const std::string path = fmt::format("disks[{}]", i);
      if (!reader.check_keys(entry, path, kDiskKeys)) continue;
      DiskType disk;
      disk.name = reader.read_name(entry, path, "name");
      disk.capacity_bytes = reader.read_quantity(entry, path, "capacity", Dimension::bytes, false);
      disk.read_bandwidth = reader.read_quantity(entry, path, "read", Dimension::bandwidth, false);
      disk.write_bandwidth = reader.read_quantity(entry, path, "write", Dimension::bandwidth, false);
      if (disk.name.empty()) continue;
      if (!declared.insert(disk.name).second) {
        reader.error(entry["name"].Mark(), fmt::format("{}.name: duplicate disk type '{}'", path, disk.name));
        continue;
      }
      put_disk(std::move(disk));
    }
  }
  if (!reader.errors().empty()) throw std::runtime_error(fmt::format("{}", fmt::join(reader.errors(), "\n")));
}

const std::vector<Purchase>& all_purchases() {
  static const std::vector<Purchase> purchases = {Purchase::on_demand, Purchase::reserved_1y, Purchase::reserved_3y,
                                                  Purchase::spot, Purchase::owned};
  return purchases;
}

std::string purchase_name(Purchase purchase) {
  switch (purchase) {
    case Purchase::on_demand: return "on_demand";
    case Purchase::reserved_1y: return "reserved_1y";
    case Purchase::reserved_3y: return "reserved_3y";
    case Purchase::spot: return "spot";
    case Purchase::owned: return "owned";
  }
  return "on_demand";
}

std::optional<Purchase> purchase_from_name(const std::string& name) {
  for (Purchase purchase : all_purchases())
    if (purchase_name(purchase) == name) return purchase;
  return std::nullopt;
}

void HardwareCatalog::parse_prices(const std::string& prices_yaml, const std::string& prices_name) {
  CatalogFileReader reader(prices_name);
  YAML::Node loaded;
  try {
    loaded = YAML::Load(prices_yaml);
  } catch (const YAML::Exception& exception) {
    reader.error(exception.mark, exception.msg);
  }
  const YAML::Node document = loaded;
  if (reader.error_count() == 0 && reader.check_keys(document, "prices file", {"date", "providers", "owned"})) {
    prices_date_ = reader.read_name(document, "prices file", "date");
    const auto check_shape = [&](const YAML::Node& entry, const std::string& path, const std::string& node) {
      if (node.empty() || find_node_shape(node) != nullptr) return true;
      reader.error(entry["node"].Mark(), fmt::format("{}.node: unknown node shape '{}' (known: {})", path, node,
                                                     fmt::join(node_shape_names(), ", ")));
      return false;
    };
    const YAML::Node providers = document["providers"];
    for (std::size_t i = 0; providers.IsSequence() && i < providers.size(); ++i) {
      const YAML::Node entry = providers[i];
      const std::string path = fmt::format("providers[{}]", i);
      if (!reader.check_keys(entry, path, {"name", "egress", "storage", "nodes"})) continue;
      ProviderPrices provider;
      provider.name = reader.read_name(entry, path, "name");
      provider.egress_per_gb = reader.read_quantity(entry, path, "egress", Dimension::transfer_price, true);
      provider.storage_per_gb_month = reader.read_quantity(entry, path, "storage", Dimension::storage_price, true);
      const YAML::Node nodes = entry["nodes"];
      for (std::size_t k = 0; nodes.IsSequence() && k < nodes.size(); ++k) {
        const YAML::Node node_entry = nodes[k];
        const std::string node_path = fmt::format("{}.nodes[{}]", path, k);
        if (!node_entry.IsMap()) {
          reader.error(node_entry.Mark(), node_path + ": expected a map");
          continue;
        }
        std::map<Purchase, double> prices;
        for (const auto& item : node_entry) {
          const std::string key = item.first.Scalar();
          if (key == "node") continue;
          const auto purchase = purchase_from_name(key);
          if (!purchase || *purchase == Purchase::owned) {
            reader.error(item.first.Mark(), fmt::format("{}: unknown key '{}'; valid keys: node, on_demand, reserved_1y, "
                                                        "reserved_3y, spot",
                                                        node_path, key));
            continue;
          }
          prices[*purchase] = reader.read_quantity(node_entry, node_path, key, Dimension::price, true);
        }
        const std::string shape = reader.read_name(node_entry, node_path, "node");
        if (shape.empty()) reader.error(node_entry.Mark(), node_path + ": missing required key 'node'");
        if (check_shape(node_entry, node_path, shape) && !shape.empty()) provider.node_prices[shape] = prices;
      }
      if (!provider.name.empty()) put_provider(std::move(provider));
    }
    const YAML::Node owned = document["owned"];
    for (std::size_t i = 0; owned.IsSequence() && i < owned.size(); ++i) {
      const YAML::Node entry = owned[i];
      const std::string path = fmt::format("owned[{}]", i);
      if (!reader.check_keys(entry, path, {"node", "purchase", "lifetime"})) continue;
      OwnedNodePrice price;
      price.node = reader.read_name(entry, path, "node");
      price.purchase_price = reader.read_quantity(entry, path, "purchase", Dimension::money, false);
      price.lifetime_seconds = reader.read_quantity(entry, path, "lifetime", Dimension::years, false);
      if (check_shape(entry, path, price.node) && !price.node.empty()) put_owned(std::move(price));
    }
  }
  if (!reader.errors().empty()) throw std::runtime_error(fmt::format("{}", fmt::join(reader.errors(), "\n")));
}

const ProviderPrices* HardwareCatalog::find_provider(const std::string& name) const {
  const auto found = providers_.find(name);
  return found == providers_.end() ? nullptr : &found->second;
}

std::vector<std::string> HardwareCatalog::provider_names() const {
  std::vector<std::string> names;
  for (const auto& [name, provider] : providers_) names.push_back(name);
  return names;
}

const OwnedNodePrice* HardwareCatalog::find_owned(const std::string& node) const {
  const auto found = owned_.find(node);
  return found == owned_.end() ? nullptr : &found->second;
}

const DiskType* HardwareCatalog::find_disk(const std::string& name) const {
  const auto found = disks_.find(name);
  return found == disks_.end() ? nullptr : &found->second;
}

std::vector<std::string> HardwareCatalog::disk_names() const {
  std::vector<std::string> names;
  for (const auto& [name, disk] : disks_) names.push_back(name);
  return names;
}

const GpuType* HardwareCatalog::find_gpu(const std::string& name) const {
  const auto found = gpus_.find(name);
  return found == gpus_.end() ? nullptr : &found->second;
}

const NodeShape* HardwareCatalog::find_node_shape(const std::string& name) const {
  const auto found = node_shapes_.find(name);
  return found == node_shapes_.end() ? nullptr : &found->second;
}

std::vector<std::string> HardwareCatalog::gpu_names() const {
  std::vector<std::string> names;
  names.reserve(gpus_.size());
  for (const auto& [name, gpu] : gpus_) names.push_back(name);
  return names;
}

std::vector<std::string> HardwareCatalog::node_shape_names() const {
  std::vector<std::string> names;
  names.reserve(node_shapes_.size());
  for (const auto& [name, shape] : node_shapes_) names.push_back(name);
  return names;
}

}  // namespace leptonsim
