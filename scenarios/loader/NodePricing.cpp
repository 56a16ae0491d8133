#include "NodePricing.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace leptonsim {
namespace {

const NodePriceSpec* scenario_prices(const ScenarioSpec& spec, const std::string& shape) {
  for (const NodePriceSpec& prices : spec.cost.prices)
    if (prices.node == shape) return &prices;
  return nullptr;
}

// Committed purchase types are filled first.
const std::vector<Purchase>& split_order() {
  static const std::vector<Purchase> order = {Purchase::owned, Purchase::reserved_3y, Purchase::reserved_1y,
                                              Purchase::on_demand, Purchase::spot};
  return order;
}

}  // namespace

std::optional<double> node_price_per_hour(const ScenarioSpec& spec, const SiteSpec& site, const std::string& shape,
                                          Purchase purchase) {
  const NodePriceSpec* own = scenario_prices(spec, shape);
  if (purchase == Purchase::owned) {
    const OwnedNodePrice* listed = spec.catalog.find_owned(shape);
    const std::optional<double> price =
        own && own->purchase_price ? own->purchase_price : listed ? std::optional(listed->purchase_price) : std::nullopt;
    const std::optional<double> lifetime =
        own && own->lifetime ? own->lifetime : listed ? std::optional(listed->lifetime_seconds) : std::nullopt;
    if (!price || !lifetime || *lifetime <= 0) return std::nullopt;
    return *price / (*lifetime / 3600.0);
  }
  if (own) {
    const auto found = own->per_hour.find(purchase);
    if (found != own->per_hour.end()) return found->second;
  }
  if (const ProviderPrices* provider = spec.catalog.find_provider(site.provider)) {
    const auto node = provider->node_prices.find(shape);
    if (node == provider->node_prices.end()) return std::nullopt;
    const auto found = node->second.find(purchase);
    if (found == node->second.end()) return std::nullopt;
    return found->second;
  }
  if (purchase == Purchase::on_demand)
    if (const NodeShape* node_shape = spec.catalog.find_node_shape(shape)) return node_shape->price_per_hour;
  return std::nullopt;
}

std::string missing_price_reason(const ScenarioSpec& spec, const SiteSpec& site, const std::string& shape,
                                 Purchase purchase) {
  if (purchase == Purchase::owned)
    return fmt::format("no purchase price and lifetime for owned `{}` nodes: give `cost.prices` with `node: {}`, "
                       "`purchase_price` and `lifetime`",
                       shape, shape);
  if (const ProviderPrices* provider = spec.catalog.find_provider(site.provider)) {
    const auto node = provider->node_prices.find(shape);
    if (node == provider->node_prices.end()) {
      std::vector<std::string> shapes;
      for (const auto& [name, prices] : provider->node_prices) shapes.push_back(name);
      return fmt::format("provider `{}` does not rent `{}` nodes (it rents {}); give a price in `cost.prices`",
                         provider->name, shape, fmt::join(shapes, ", "));
    }
    std::vector<std::string> offered;
    for (const auto& [type, price] : node->second) offered.push_back(purchase_name(type));
    return fmt::format("provider `{}` lists no `{}` price for `{}` nodes (it lists {}); give one in `cost.prices`",
                       provider->name, purchase_name(purchase), shape, fmt::join(offered, ", "));
  }
  return fmt::format("the `catalog` provider has only on-demand prices: give a `{}` price for `{}` in `cost.prices` "
                     "or choose a provider (`cost.provider`: {})",
                     purchase_name(purchase), shape, fmt::join(spec.catalog.provider_names(), ", "));
}

std::vector<Purchase> split_by_purchase(int nodes, const PurchaseMix& mix) {
  struct Share {
    Purchase purchase;
    int count;
    double remainder;
  };
  std::vector<Share> shares;
  int assigned = 0;
  for (Purchase purchase : split_order()) {
    const auto found = mix.find(purchase);
    const double exact = found == mix.end() ? 0.0 : found->second * nodes;
    const int count = static_cast<int>(std::floor(exact + 1e-9));
    shares.push_back(Share{purchase, count, exact - count});
    assigned += count;
  }
  // Largest remainders get the nodes left; stable: ties keep the committed-first order.
  std::vector<std::size_t> by_remainder(shares.size());
  for (std::size_t i = 0; i < shares.size(); ++i) by_remainder[i] = i;
  std::stable_sort(by_remainder.begin(), by_remainder.end(),
                   [&](std::size_t a, std::size_t b) { return shares[a].remainder > shares[b].remainder + 1e-12; });
  for (std::size_t k = 0; assigned < nodes && k < by_remainder.size(); ++k, ++assigned) ++shares[by_remainder[k]].count;
  std::vector<Purchase> result;
  for (const Share& share : shares) result.insert(result.end(), static_cast<std::size_t>(share.count), share.purchase);
  result.resize(static_cast<std::size_t>(nodes), Purchase::on_demand);
  return result;
}

std::vector<Purchase> site_node_purchases(const SiteSpec& site) {
  std::vector<Purchase> purchases = split_by_purchase(site.racks * site.nodes_per_rack, site.purchase);
  for (const NodePoolSpec& pool : site.pools) purchases.insert(purchases.end(), static_cast<std::size_t>(pool.max_nodes), pool.purchase);
  return purchases;
}

double egress_price_per_gb(const ScenarioSpec& spec, const SiteSpec& site) {
  if (spec.cost.egress_per_gb) return *spec.cost.egress_per_gb;
  if (const ProviderPrices* provider = spec.catalog.find_provider(site.provider)) return provider->egress_per_gb;
  return 0.0;
}

}  // namespace leptonsim
