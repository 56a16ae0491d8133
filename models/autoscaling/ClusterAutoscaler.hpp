// The Kubernetes cluster autoscaler's rules for node pools (node groups),
// from its documented behaviour (kubernetes/autoscaler FAQ):
//
// Scale up: when work waits for GPUs, a binpacking estimate of the pending
// units onto the free GPUs of ready nodes, then of nodes already being
// provisioned, then of new nodes gives how many nodes each pool needs; pools
// are tried in preference order (the `priority` expander) within their
// maximum. Scale down: a ready node whose requested share (GPUs held / GPUs)
// stays below `scale_down_utilization_threshold` for `scale_down_unneeded_time`
// is removed if everything on it can move to other nodes (jobs cannot), and
// the pool stays at or above its minimum; nothing is removed within
// `scale_down_delay_after_add` of a scale-up or `scale_down_delay_after_delete`
// of a removal. Empty nodes go up to `max_empty_bulk_delete` at a time,
// non-empty ones one at a time.
#pragma once

#include "autoscaling/NodePoolAutoscaler.hpp"

#include <map>

namespace leptonsim {

class ClusterAutoscaler final : public NodePoolAutoscaler {
public:
  struct Settings {
    double scan_interval = 10.0;
    double scale_down_utilization_threshold = 0.5;
    double scale_down_unneeded_time = 600.0;
    double scale_down_delay_after_add = 600.0;
    double scale_down_delay_after_delete = 0.0;  // 0 = the scan interval
    int max_empty_bulk_delete = 10;
    bool is_scale_down_enabled = true;
  };
  explicit ClusterAutoscaler(Settings settings) : settings_(settings) {}
  static PolicyInfo info();
  static Settings settings_from(const PolicyParams& params);

  double scan_interval() const override { return settings_.scan_interval; }
  NodeScalingDecision decide(const NodeAutoscalerView& view) override;

private:
  std::vector<int> plan_scale_up(const NodeAutoscalerView& view, std::string& reason) const;
  std::vector<int> plan_scale_down(const NodeAutoscalerView& view, std::string& reason);

  Settings settings_;
  std::map<int, double> unneeded_since_;  // node -> first scan it was unneeded
  double last_scale_up_ = -1e300;
  double last_scale_down_ = -1e300;
};

}  // namespace leptonsim
