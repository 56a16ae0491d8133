// ClusterState: which GPUs of which nodes are free, as the schedulers see it.
//
// The layout (sites, racks, nodes, GPU types) is fixed and shared; the state is
// the free share of every GPU in thousandths ("milli-GPUs", 1000 = a whole free
// GPU), as in the Alibaba openb trace's fractional pods. A job either takes
// whole GPUs or, when it asks for less than 1000 milli, a share of GPUs that
// other fractional jobs may share (a packing constraint: shares never exceed a
// GPU). Copying a state is cheap (two flat vectors and small counters), so
// policies try placements on a scratch copy and return them as decisions.
//
// Counters kept in step with every change make the common feasibility checks
// O(number of (site, GPU type) groups): free whole GPUs per group and, per
// group, how many nodes have exactly k whole GPUs free.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace leptonsim {

inline constexpr int kWholeGpuMilli = 1000;

struct ClusterNodeInfo {
  std::string name;      // e.g. "us-east/r0/n3"
  std::string site;      // site name
  int rack = 0;          // rack index within the site
  std::string gpu_type;  // GPU type name
  int gpus = 0;          // GPUs in the node
};

// The fixed shape of the cluster, with names turned into dense indices.
class ClusterLayout {
public:
  explicit ClusterLayout(const std::vector<ClusterNodeInfo>& nodes);

  struct Node {
    std::string name;
    int site = 0;         // index into site_names()
    int rack = 0;         // global rack index (unique across sites)
    int gpu_type = 0;     // index into gpu_type_names()
    int group = 0;        // index of its (site, GPU type) group
    int first_gpu = 0;    // index of its GPU 0 in the flat GPU arrays
    int gpus = 0;
  };
  struct Group {
    int site = 0;
    int gpu_type = 0;
  };

  const std::vector<Node>& nodes() const { return nodes_; }
  const Node& node(int index) const { return nodes_[static_cast<std::size_t>(index)]; }
  int node_count() const { return static_cast<int>(nodes_.size()); }
  int gpu_count() const { return gpu_count_; }
  int max_gpus_per_node() const { return max_gpus_per_node_; }
  const std::vector<Group>& groups() const { return groups_; }
  int rack_count() const { return static_cast<int>(rack_nodes_.size()); }
  // Nodes of a global rack, in node order.
  const std::vector<int>& nodes_of_rack(int rack) const { return rack_nodes_[static_cast<std::size_t>(rack)]; }
  const std::vector<std::string>& site_names() const { return site_names_; }
  const std::vector<std::string>& gpu_type_names() const { return gpu_type_names_; }
  // Index of a site or GPU type name; -1 when unknown.
  int site_index(const std::string& name) const;
  int gpu_type_index(const std::string& name) const;

private:
  std::vector<Node> nodes_;
  std::vector<Group> groups_;
  std::vector<std::vector<int>> rack_nodes_;
  std::vector<std::string> site_names_;
  std::vector<std::string> gpu_type_names_;
  int gpu_count_ = 0;
  int max_gpus_per_node_ = 0;
};

// Where one job (or replica) sits: a share of some GPUs. Whole-GPU placements
// have milli == 1000 on every GPU.
struct GpuShare {
  int node = 0;
  int gpu = 0;  // index within the node
  int milli = kWholeGpuMilli;
  bool operator==(const GpuShare&) const = default;
};
struct Placement {
  std::vector<GpuShare> shares;  // ordered as the job's ranks (ring order for all-reduce)
  // Distinct nodes and racks the placement spans.
  int node_count() const;
  int rack_count(const ClusterLayout& layout) const;
};

// Where a job may go and how much it needs.
enum class Locality { any, node, rack };
struct JobDemand {
  int gpus = 1;                  // GPUs (distinct), >= 1
  int gpu_milli = kWholeGpuMilli;  // share of each GPU, 1..1000; < 1000 implies one node
  int site = -1;                 // site index, -1 = any
  int gpu_type = -1;             // GPU type index, -1 = any
  Locality locality = Locality::any;
  bool is_fractional() const { return gpu_milli < kWholeGpuMilli; }
  std::int64_t milli_total() const { return static_cast<std::int64_t>(gpus) * gpu_milli; }
};

class ClusterState {
public:
  explicit ClusterState(std::shared_ptr<const ClusterLayout> layout);

  const ClusterLayout& layout() const { return *layout_; }
  int free_milli(int node, int gpu) const { return free_milli_[gpu_slot(node, gpu)]; }
  // Whole GPUs free on the node.
  int free_gpus(int node) const { return free_whole_[static_cast<std::size_t>(node)]; }
  int total_free_gpus() const { return total_free_whole_; }
  int total_gpus() const { return layout_->gpu_count(); }
  // Whole free GPUs usable by the demand's site and type constraints.
  int free_gpus_for(const JobDemand& demand) const;
  bool node_matches(int node, const JobDemand& demand) const;
  // True when some node the demand may use has at least `gpus` whole GPUs free.
  bool has_node_with_free(const JobDemand& demand, int gpus) const;

  // A quick necessary condition for the demand to be placeable now; exact for
  // whole-GPU demands with locality any or node.
  bool may_fit(const JobDemand& demand) const;

  // Takes or gives back the shares. Throw std::logic_error if a share is not
  // available (allocate) or not held (release beyond the GPU's size).
  void allocate(const Placement& placement);
  void release(const Placement& placement);
  // True when every share of the placement is free now.
  bool can_allocate(const Placement& placement) const;

private:
  std::size_t gpu_slot(int node, int gpu) const {
    return static_cast<std::size_t>(layout_->node(node).first_gpu + gpu);
  }
  void change(const GpuShare& share, int delta_milli);
  void set_node_free(int node, int free_whole);

  std::shared_ptr<const ClusterLayout> layout_;
  std::vector<std::int16_t> free_milli_;  // per GPU
  std::vector<std::int16_t> free_whole_;  // per node
  std::vector<int> group_free_whole_;     // per group
  std::vector<int> nodes_by_free_;        // per group: [group * (max + 1) + k] = nodes with exactly k free
  int total_free_whole_ = 0;
};

}  // namespace leptonsim
