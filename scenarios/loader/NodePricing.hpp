// NodePricing: what a node costs per hour, given the scenario's price sources.
//
// A rented node's hourly price comes from, in order: the scenario's
// `cost.prices` entry for its shape, then its site's provider price list
// (data/prices.yaml), then, for `on_demand` with the `catalog` provider, the
// node shape's price. An owned node costs its purchase price spread evenly
// over its lifetime (each from `cost.prices`, else data/prices.yaml `owned`).
#pragma once

#include "ScenarioSpec.hpp"

#include <optional>
#include <string>
#include <vector>

namespace leptonsim {

// USD per node-hour of a `shape` node of `site` paid for as `purchase`;
// nullopt when no source gives that price.
std::optional<double> node_price_per_hour(const ScenarioSpec& spec, const SiteSpec& site, const std::string& shape,
                                          Purchase purchase);

// Why node_price_per_hour has no price, for error messages.
std::string missing_price_reason(const ScenarioSpec& spec, const SiteSpec& site, const std::string& shape,
                                 Purchase purchase);

// The purchase type of each of `nodes` nodes, split by the mix with the
// largest-remainder method: committed types first (owned, reserved_3y,
// reserved_1y, on_demand, spot), ties going to the earlier type.
std::vector<Purchase> split_by_purchase(int nodes, const PurchaseMix& mix);

// The purchase type of every GPU node of a site, in rack then node order:
// fixed nodes split by the site's mix, pool nodes by their pool's purchase.
std::vector<Purchase> site_node_purchases(const SiteSpec& site);

// USD per GB sent from `site` to another site.
double egress_price_per_gb(const ScenarioSpec& spec, const SiteSpec& site);

}  // namespace leptonsim
