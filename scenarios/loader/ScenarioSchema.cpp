#include "ScenarioSchema.hpp"

#include "ScenarioLoader.hpp"
#include "catalog/FailureCalibration.hpp"

#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include <map>
#include <utility>

namespace leptonsim {
namespace {

// Fluent construction of one table row.
class Row {
public:
  Row(std::string path, ValueType type) {
    entry_.path = std::move(path);
    entry_.type = type;
  }
  Row& unit(QuantityKind kind) { entry_.quantity = kind; return *this; }
  Row& of(ValueType element) { entry_.element = element; return *this; }
  Row& by_default(std::string text) { entry_.default_text = std::move(text); return *this; }
  Row& required() { entry_.required = true; return *this; }
  Row& one_of(std::vector<std::string> choices) { entry_.choices = std::move(choices); return *this; }
  Row& at_least(double bound) { entry_.min = bound; entry_.min_exclusive = false; return *this; }
  Row& above(double bound) { entry_.min = bound; entry_.min_exclusive = true; return *this; }
  Row& at_most(double bound) { entry_.max = bound; return *this; }
  Row& wide() { entry_.wide_integer = true; return *this; }
  Row& doc(std::string text) { entry_.description = std::move(text); return *this; }
  operator SchemaEntry() const { return entry_; }

private:
  SchemaEntry entry_;
};

Row map(std::string path) { return Row(std::move(path), ValueType::map); }
Row list(std::string path) { return Row(std::move(path), ValueType::list); }
Row text(std::string path) { return Row(std::move(path), ValueType::string); }
Row choice(std::string path) { return Row(std::move(path), ValueType::choice); }
Row integer(std::string path) { return Row(std::move(path), ValueType::integer); }
Row quantity(std::string path, QuantityKind kind) { return Row(std::move(path), ValueType::quantity).unit(kind); }
Row distribution(std::string path, QuantityKind kind) {
  return Row(std::move(path), ValueType::distribution).unit(kind);
}

// The sub-keys of a distribution given as a map.
void add_distribution_forms(std::vector<SchemaEntry>& table, const std::string& path, QuantityKind kind,
                            const std::string& what) {
  table.push_back(quantity(path + ".deterministic", kind).above(0).doc(fmt::format("Every {} is this value.", what)));
  table.push_back(map(path + ".exponential").doc(fmt::format("Exponentially distributed {}.", what)));
  table.push_back(quantity(path + ".exponential.mean", kind).required().above(0).doc("Mean of the exponential distribution."));
  table.push_back(map(path + ".lognormal").doc(fmt::format("Log-normally distributed {}.", what)));
  table.push_back(quantity(path + ".lognormal.mean", kind).required().above(0).doc("Mean of the distribution itself (not of the underlying normal)."));
  table.push_back(quantity(path + ".lognormal.sigma", QuantityKind::number).required().at_least(0).doc("Standard deviation of the underlying normal distribution."));
  table.push_back(map(path + ".weibull").doc(fmt::format("Weibull-distributed {}.", what)));
  table.push_back(quantity(path + ".weibull.mean", kind).required().above(0).doc("Mean of the distribution (its scale is mean / Gamma(1 + 1/shape))."));
  table.push_back(quantity(path + ".weibull.shape", QuantityKind::number).required().above(0).doc(
      "Shape k: below 1 the hazard falls with age (infant mortality), 1 is the exponential, above 1 it rises (wear-out)."));
}

// The arrival process keys, in `services[].arrivals` and each user population's `arrivals`.
void add_arrivals(std::vector<SchemaEntry>& t, const std::string& prefix, const std::string& section_doc) {
  using Q = QuantityKind;
  t.push_back(map(prefix).doc(section_doc));
  t.push_back(choice(prefix + ".process").by_default("poisson").one_of({"poisson", "diurnal", "mmpp", "trace"}).doc(
      "`poisson`: constant rate; `diurnal`: sinusoidal rate (exact non-homogeneous Poisson by thinning); "
      "`mmpp`: 2-state Markov-modulated Poisson (calm and burst); `trace`: replay of a request trace file."));
  t.push_back(quantity(prefix + ".rate", Q::rate).by_default("1/s").above(0).doc(
      "Poisson: the rate; diurnal: the mean rate; mmpp: the rate in the calm state."));
  t.push_back(quantity(prefix + ".peak_to_trough", Q::number).by_default("1").at_least(1).doc(
      "Diurnal: highest rate / lowest rate."));
  t.push_back(quantity(prefix + ".period", Q::duration).by_default("24h").above(0).doc(
      "Diurnal: length of one cycle."));
  t.push_back(quantity(prefix + ".phase", Q::duration).by_default("0s").doc(
      "Diurnal: time at which the rate rises through its mean (the peak is a quarter period later)."));
  t.push_back(list(prefix + ".spikes").of(ValueType::map).by_default("[]").doc(
      "Poisson and diurnal: scheduled bursts that multiply the rate; overlapping spikes multiply."));
  t.push_back(quantity(prefix + ".spikes[].start", Q::duration).required().at_least(0).doc("When the spike starts."));
  t.push_back(quantity(prefix + ".spikes[].duration", Q::duration).required().above(0).doc("How long it lasts."));
  t.push_back(quantity(prefix + ".spikes[].multiplier", Q::number).required().at_least(0).doc(
      "Rate multiplier during the spike (0 = an outage of traffic)."));
  t.push_back(quantity(prefix + ".burst_rate", Q::rate).by_default("0/s").at_least(0).doc(
      "MMPP: the rate in the burst state."));
  t.push_back(quantity(prefix + ".calm_duration", Q::duration).by_default("60s").above(0).doc(
      "MMPP: mean time in the calm state (exponential)."));
  t.push_back(quantity(prefix + ".burst_duration", Q::duration).by_default("10s").above(0).doc(
      "MMPP: mean time in the burst state (exponential)."));
  t.push_back(map(prefix + ".trace").doc("Trace: the request trace to replay; its token counts go with each request."));
  t.push_back(choice(prefix + ".trace.format").by_default("azure_llm_csv").one_of({"azure_llm_csv", "mooncake_jsonl"}).doc(
      "`azure_llm_csv`: Azure LLM inference 2023 (`TIMESTAMP,ContextTokens,GeneratedTokens`); `mooncake_jsonl`: "
      "Mooncake (`timestamp` in ms, `input_length`, `output_length`)."));
  t.push_back(text(prefix + ".trace.path").required().doc("Trace file, relative to the scenario file's folder."));
  t.push_back(quantity(prefix + ".trace.time_scale", Q::number).by_default("1").above(0).doc(
      "Multiplies every gap between arrivals (0.5 replays twice as fast)."));
  t.push_back(quantity(prefix + ".trace.rate_scale", Q::number).by_default("1").above(0).doc(
      "Multiplies the request rate (divides the gaps); combines with time_scale as time_scale / rate_scale."));
  t.push_back(quantity(prefix + ".trace.start_offset", Q::duration).by_default("0s").at_least(0).doc(
      "Trace time skipped at the start; that trace time becomes simulated time 0."));
  t.push_back(choice(prefix + ".trace.loop").by_default("false").one_of({"true", "false"}).doc(
      "Replay again when the trace ends, keeping its rate."));
  t.push_back(integer(prefix + ".trace.max_requests").by_default("0").at_least(0).wide().doc(
      "At most this many arrivals over all passes; 0 = no limit."));
}

// Keys a job takes both in `jobs.defaults` and in each `jobs.list[]` item.
void add_job_properties(std::vector<SchemaEntry>& t, const std::string& prefix, const std::string& section_doc) {
  using Q = QuantityKind;
  const bool is_defaults = !section_doc.empty();
  const auto fallback = [&](const std::string& builtin) { return is_defaults ? builtin : std::string("from jobs.defaults"); };
  if (is_defaults) t.push_back(map(prefix).doc(section_doc));
  t.push_back(integer(prefix + ".priority").by_default(fallback("0")).doc(
      "Priority class; higher first under the `priority` queue policy, and only higher priorities preempt."));
  t.push_back(choice(prefix + ".preemptible").by_default(fallback("false")).one_of({"true", "false"}).doc(
      "Whether queue policies (and services scaling up) may stop the job; it goes back to the queue and "
      "resumes from its last checkpoint."));
  t.push_back(choice(prefix + ".locality").by_default(fallback("any")).one_of({"any", "node", "rack"}).doc(
      "`node`: all GPUs on one node; `rack`: all in one rack; `any`: wherever the placement policy puts them."));
  t.push_back(quantity(prefix + ".compute_efficiency", Q::number).by_default(fallback("0.5")).above(0).at_most(1).doc(
      "`work` jobs: achieved fraction of the GPUs' peak FLOP/s (model FLOP utilisation)."));
  t.push_back(quantity(prefix + ".restart_overhead", Q::duration).by_default(fallback("0s")).at_least(0).doc(
      "Time to restart after a preemption or a failure (container start, process group set-up), before the checkpoint "
      "is read back."));
  t.push_back(integer(prefix + ".max_failure_retry").by_default(fallback("6")).at_least(0).doc(
      "Times the job is restarted after a failure of its hardware; at the next failure it ends as `failed`. "
      "Preemptions do not count."));
  t.push_back(map(prefix + ".checkpoint").doc(
      "Periodic checkpoints, written from the job's GPUs through the network to the site's storage host while the "
      "job pauses; a preempted job resumes from its last one (reading it back) and the work since then is lost."));
  t.push_back(quantity(prefix + ".checkpoint.interval", Q::duration).by_default(fallback("0s")).at_least(0).doc(
      "Run time between checkpoints; 0 = none (a preempted job restarts from the beginning)."));
  t.push_back(quantity(prefix + ".checkpoint.size", Q::size).by_default(fallback("0B")).at_least(0).doc(
      "Bytes of one checkpoint (model and optimizer state), split evenly over the job's GPUs."));
}

const std::vector<std::string>& purchase_keys() {
  static const std::vector<std::string> keys = {"on_demand", "reserved_1y", "reserved_3y", "spot", "owned"};
  return keys;
}

// The shares of nodes by purchase type, in `cost.purchase` and each site's `purchase`.
void add_purchase_mix(std::vector<SchemaEntry>& t, const std::string& prefix, const std::string& section_doc,
                      bool is_default) {
  t.push_back(map(prefix).doc(section_doc));
  const std::map<std::string, std::string> meaning = {
      {"on_demand", "rented by the hour, no commitment"},
      {"reserved_1y", "rented with a one-year commitment (reserved instances, savings plans, committed use)"},
      {"reserved_3y", "rented with a three-year commitment"},
      {"spot", "spare capacity rented at a discount, reclaimable at short notice (give a failure class with `notice`)"},
      {"owned", "bought and amortised over its lifetime; its electricity is paid (`cost.energy`)"}};
  for (const std::string& key : purchase_keys())
    t.push_back(quantity(prefix + "." + key, QuantityKind::number)
                    .by_default(is_default ? (key == "on_demand" ? "1 when no share is given" : "0") : "from cost.purchase")
                    .at_least(0)
                    .at_most(1)
                    .doc(fmt::format("Share of nodes {}.", meaning.at(key))));
}

// Electricity keys, in `cost.energy` and each site's `energy`.
void add_energy(std::vector<SchemaEntry>& t, const std::string& prefix, const std::string& section_doc, bool is_default) {
  using Q = QuantityKind;
  const auto fallback = [&](const std::string& builtin) { return is_default ? builtin : std::string("from cost.energy"); };
  t.push_back(map(prefix).doc(section_doc));
  t.push_back(quantity(prefix + ".price", Q::energy_price).by_default(fallback("$0/kWh")).at_least(0).doc(
      "Electricity price outside the tariff periods. Paid for owned nodes only: rented nodes' electricity is in their "
      "hourly price."));
  t.push_back(quantity(prefix + ".pue", Q::number).by_default(fallback("1")).at_least(1).doc(
      "Power usage effectiveness: the facility's energy (cooling, power distribution) divided by the IT energy of "
      "the nodes. Energy, its cost and carbon are counted at the facility."));
  t.push_back(quantity(prefix + ".carbon_intensity", Q::carbon_intensity).by_default(fallback("0g/kWh")).at_least(0).doc(
      "Grid emissions per kWh drawn by the facility (location-based), for `carbon.kg`."));
  t.push_back(list(prefix + ".tariff").of(ValueType::map).by_default(fallback("[]")).doc(
      "Time-of-day prices, repeated every simulated day (the run starts at midnight); periods must not overlap."));
  t.push_back(quantity(prefix + ".tariff[].from", Q::duration).required().at_least(0).at_most(86400).doc(
      "Start of the period, as a time after midnight (`17h`)."));
  t.push_back(quantity(prefix + ".tariff[].to", Q::duration).required().at_least(0).at_most(86400).doc(
      "End of the period (exclusive), after midnight; earlier than `from` means through midnight (`22h` to `6h`)."));
  t.push_back(quantity(prefix + ".tariff[].price", Q::energy_price).required().at_least(0).doc(
      "Electricity price during the period."));
}

}  // namespace

std::vector<std::string> failure_profile_names() {
  std::vector<std::string> names;
  for (const YAML::Node& profile : failure_profiles()) names.push_back(profile["name"].as<std::string>());
  return names;
}

const YAML::Node& failure_profiles() {
  static const YAML::Node profiles = YAML::Load(std::string(failure_calibration_yaml()))["profiles"];
  return profiles;
}

namespace {

std::vector<SchemaEntry> build_schema() {
  using Q = QuantityKind;
  std::vector<SchemaEntry> t;

  // Top level.
  t.push_back(text("name").by_default("unnamed").doc("Scenario name, used in reports."));
  t.push_back(integer("seed").by_default("1").at_least(0).wide().doc(
      "Root seed of every random stream: the same scenario, binary and seed give the same results."));
  t.push_back(quantity("duration", Q::duration).by_default("1h").above(0).doc(
      "Simulated time; request arrivals stop at this time."));
  t.push_back(quantity("warmup", Q::duration).by_default("0s").at_least(0).doc(
      "Requests arriving earlier are left out of latency statistics; must be less than `duration`."));
  t.push_back(quantity("sample_interval", Q::duration).by_default("60s").above(0).doc(
      "Time between two time-series samples."));
  t.push_back(choice("node_series").by_default("auto").one_of({"auto", "on", "off"}).doc(
      "Per-node time series (`node.gpu_utilization`, `node.gpus_allocated`) for the topology view: `auto` "
      "writes them for platforms of at most 64 nodes, `on` always, `off` never (they grow the report by "
      "nodes x samples rows)."));

  // Platform.
  t.push_back(map("platform").required().doc("The hardware: sites and the WAN links between them."));
  t.push_back(list("platform.sites").of(ValueType::map).required().at_least(1).doc(
      "Regions (cloud data centres) and edge sites; at least one."));
  t.push_back(text("platform.sites[].name").required().doc("Unique site name."));
  t.push_back(choice("platform.sites[].kind").by_default("region").one_of({"region", "edge"}).doc(
      "A cloud region or an edge site."));
  t.push_back(integer("platform.sites[].racks").by_default("1").at_least(0).doc(
      "Racks of fixed nodes (always there and paid for); 0 is allowed when the site has `pools`."));
  t.push_back(integer("platform.sites[].nodes_per_rack").by_default("1").at_least(1).doc("GPU nodes in each rack."));
  t.push_back(text("platform.sites[].node").by_default("h100x8").doc(
      "Node shape of every node of the site: a name from the built-in catalogue (`data/node_shapes.yaml`) "
      "or from `catalog.node_shapes`."));
  t.push_back(map("platform.sites[].fabric").doc("The network fabric inside the site."));
  t.push_back(choice("platform.sites[].fabric.topology").by_default("leaf_spine").one_of({"leaf_spine", "fat_tree"}).doc(
      "`leaf_spine`: a two-level Clos network, one leaf switch per rack; `fat_tree`: three levels, racks grouped in pods."));
  t.push_back(quantity("platform.sites[].fabric.link", Q::bandwidth).by_default("400Gbps").above(0).doc(
      "Bandwidth of every switch-to-switch and switch-to-node link, in each direction."));
  t.push_back(quantity("platform.sites[].fabric.latency", Q::duration).by_default("1us").at_least(0).doc(
      "Latency of one fabric link."));
  t.push_back(quantity("platform.sites[].fabric.oversubscription", Q::number).by_default("1").at_least(1).doc(
      "Leaf downlink capacity divided by uplink capacity; 1 = non-blocking."));
  t.push_back(integer("platform.sites[].fabric.racks_per_pod").by_default("0").at_least(0).doc(
      "`fat_tree` only: racks per pod, must divide `racks`; 0 = all racks in one pod."));
  t.push_back(map("platform.sites[].storage").doc(
      "Storage nodes of the site (for `data:`): racks of their own on the site's fabric, after the GPU racks, each "
      "node with identical disks and one network link to its rack's leaf switch."));
  t.push_back(integer("platform.sites[].storage.racks").by_default("0").at_least(0).doc("Storage racks; 0 = none."));
  t.push_back(integer("platform.sites[].storage.nodes_per_rack").by_default("the site's nodes_per_rack").at_least(1).doc(
      "Storage nodes in each storage rack; at most the site's `nodes_per_rack` (the ports of a leaf switch)."));
  t.push_back(integer("platform.sites[].storage.disks_per_node").by_default("1").at_least(1).doc("Disks in each storage node."));
  t.push_back(text("platform.sites[].storage.disk").by_default("nvme-7680gb").doc(
      "Disk type: a name from the built-in catalogue (`data/disks.yaml`) or from `catalog.disks`."));
  t.push_back(quantity("platform.sites[].storage.nic", Q::bandwidth).by_default("100Gbps").above(0).doc(
      "Bandwidth of a storage node's network link, in each direction."));
  t.push_back(quantity("platform.sites[].storage.price", Q::money_rate).by_default("$0/h").at_least(0).doc(
      "Price per storage node-hour (owned hardware amortised, or rented); counted in `cost.storage`."));
  t.push_back(text("platform.sites[].provider").by_default("from cost.provider").doc(
      "Price list of the site's nodes (a provider of `data/prices.yaml`, e.g. `aws`, `lambda`); `catalog` = the node "
      "shapes' on-demand prices."));
  add_purchase_mix(t, "platform.sites[].purchase",
                   "How the site's nodes are paid for: shares by purchase type, summing to 1 (nodes are split by "
                   "largest remainder, committed types first). Replaces `cost.purchase` for this site.",
                   false);
  add_energy(t, "platform.sites[].energy", "The site's electricity; keys not given come from `cost.energy`.", false);
  t.push_back(list("platform.sites[].pools").of(ValueType::map).by_default("[]").doc(
      "Node pools (Kubernetes node groups) that the `node_autoscaler` grows when work waits for GPUs and shrinks when "
      "nodes are little used, in preference order (earlier pools grow first). Their nodes have the site's node shape and "
      "sit in racks of their own after the fixed racks (`max_nodes` nodes, `nodes_per_rack` to a rack); a node is paid "
      "for from the decision to add it until it is removed, and draws its off power while not provisioned."));
  t.push_back(text("platform.sites[].pools[].name").required().doc("Pool name, unique within the site."));
  t.push_back(choice("platform.sites[].pools[].purchase").by_default("on_demand")
                  .one_of({"on_demand", "reserved_1y", "reserved_3y", "spot", "owned"}).doc(
      "How the pool's nodes are paid for (priced like the site's fixed nodes). Spot nodes are reclaimed by a failure "
      "class with `notice` and `purchase: spot`; a reclaimed or failed pool node is removed and may be replaced."));
  t.push_back(integer("platform.sites[].pools[].min_nodes").by_default("0").at_least(0).doc("Nodes the autoscaler keeps at least."));
  t.push_back(integer("platform.sites[].pools[].max_nodes").required().at_least(1).doc("Nodes the pool may grow to."));
  t.push_back(integer("platform.sites[].pools[].initial_nodes").by_default("min_nodes").at_least(0).doc(
      "Nodes provisioned and ready at the start, between `min_nodes` and `max_nodes`."));
  t.push_back(quantity("platform.sites[].pools[].provisioning_delay", Q::duration).by_default("5min").at_least(0).doc(
      "From the decision to add a node until it is ready for work (instance start, boot, GPU drivers, joining the "
      "cluster)."));
  t.push_back(map("platform.sites[].weight_cache").doc(
      "A cache of model weights on each GPU node (local NVMe or host memory). A cold start whose model's weights are "
      "in its node's cache reads them from there at `bandwidth` instead of over the network; on a miss the weights "
      "arrive from storage and are kept, evicting others by the `eviction` policy until they fit."));
  t.push_back(quantity("platform.sites[].weight_cache.capacity", Q::size).by_default("0B").at_least(0).doc(
      "Bytes of weights each node keeps; 0 = no cache."));
  t.push_back(quantity("platform.sites[].weight_cache.bandwidth", Q::bandwidth).by_default("5GBps").above(0).doc(
      "Read bandwidth from the cache into the replica's GPUs (a PCIe Gen4 NVMe reads about 7 GB/s)."));
  t.push_back(map("platform.sites[].weight_cache.eviction").doc("Which cached weights make room for new ones."));
  t.push_back(text("platform.sites[].weight_cache.eviction.policy").by_default("lru").doc(
      "Registered cache eviction policy: `lru` (least recently used) or `lfu` (least frequently used, ties least "
      "recently used); `leptonsim policies --kind cache_eviction` lists them."));
  t.push_back(quantity("platform.sites[].weight_cache.eviction.<param>", Q::number).doc(
      "A parameter of the eviction policy."));
  t.push_back(list("platform.wan").of(ValueType::map).by_default("[]").doc(
      "Wide-area links. With more than one site, the links must connect every pair of sites (directly or through other sites)."));
  t.push_back(list("platform.wan[].between").of(ValueType::string).required().at_least(2).at_most(2).doc(
      "The two site names the link joins, e.g. `[us-east, edge-nyc]`."));
  t.push_back(quantity("platform.wan[].bandwidth", Q::bandwidth).by_default("100Gbps").above(0).doc(
      "Bandwidth in each direction."));
  t.push_back(quantity("platform.wan[].latency", Q::duration).by_default("10ms").at_least(0).doc("One-way latency."));

  // Services.
  t.push_back(list("services").of(ValueType::map).by_default("[]").doc("Inference services (model-serving endpoints)."));
  t.push_back(text("services[].name").required().doc("Unique service name."));
  t.push_back(text("services[].site").by_default("the first site").doc("Name of the site the replicas run on."));
  t.push_back(integer("services[].replicas").by_default("1").at_least(0).doc(
      "Replicas at the start; the replica count throughout when the autoscaler is `static`. 0 needs an autoscaler "
      "that can scale up from zero."));
  t.push_back(integer("services[].gpus_per_replica").by_default("1").at_least(1).doc(
      "GPUs of one node used by each replica; at most the GPUs of the site's node shape."));
  t.push_back(text("services[].gpu_type").by_default("the site's node GPU").doc(
      "GPU type the service needs; must be the GPU of the site's node shape."));
  t.push_back(integer("services[].max_concurrency").by_default("1").at_least(1).doc(
      "Requests one replica serves at the same time."));
  t.push_back(choice("services[].queue").by_default("replica").one_of({"replica", "balancer"}).doc(
      "`replica`: the load balancer routes each request on arrival and every replica keeps a FCFS queue; "
      "`balancer`: one FCFS queue at the balancer, a request is routed when a replica slot frees."));
  add_arrivals(t, "services[].arrivals", "Open-loop request arrivals (of a service without `deployments`).");
  t.push_back(list("services[].deployments").of(ValueType::map).by_default("[]").doc(
      "Deploy the service at several sites (edge sites and regions): each deployment is a replica pool of its own, "
      "with the service's settings, its own autoscaler and load balancer, reported as the service `<name>@<site>`. "
      "Requests come from the `users`, routed between the sites by `routing`; the service's `site` and `arrivals` "
      "are not used."));
  t.push_back(text("services[].deployments[].site").required().doc("Site of the deployment; each site at most once."));
  t.push_back(integer("services[].deployments[].replicas").by_default("the service's replicas").at_least(0).doc(
      "Initial replicas at this site."));
  t.push_back(integer("services[].deployments[].min_replicas").by_default("the autoscaler's").at_least(0).doc(
      "The autoscaler's minimum at this site."));
  t.push_back(integer("services[].deployments[].max_replicas").by_default("the autoscaler's").at_least(0).doc(
      "The autoscaler's maximum at this site."));
  t.push_back(list("services[].users").of(ValueType::map).by_default("[]").doc(
      "With `deployments`: user populations, each with its own arrivals and its network distance to every site of "
      "the service. A population's home is its nearest site; requests routed elsewhere cross sites (egress)."));
  t.push_back(text("services[].users[].name").required().doc("Population name, unique within the service."));
  add_arrivals(t, "services[].users[].arrivals", "The population's requests.");
  t.push_back(map("services[].users[].latency").required().doc(
      "One-way network latency from the population to each site of the service (`{edge-nyc: 3ms, us-east: 12ms}`); "
      "every deployment's site must be given. A request's latency includes the round trip."));
  t.push_back(quantity("services[].users[].latency.<param>", Q::duration).at_least(0).doc(
      "One-way latency to the site named by the key."));
  t.push_back(map("services[].routing").doc("With `deployments`: which site serves each request."));
  t.push_back(text("services[].routing.policy").by_default("nearest").doc(
      "Registered request router (`leptonsim policies --kind request_router`): `nearest`, `lowest_latency` (round "
      "trip + expected queueing + recent service time), `cheapest` (GPU time + egress per request, among sites with a "
      "free slot) or `spill_over` (the nearest site until it is saturated, then the next nearest)."));
  t.push_back(quantity("services[].routing.request_bytes", Q::size).by_default("4KB").at_least(0).doc(
      "Bytes of a request; billed as egress at the population's home site when routed to another site."));
  t.push_back(quantity("services[].routing.response_bytes", Q::size).by_default("16KB").at_least(0).doc(
      "Bytes of a response; billed as egress at the serving site when it is not the population's home."));
  t.push_back(quantity("services[].routing.<param>", Q::number).doc(
      "A numeric parameter of the router, e.g. `queue_threshold: 2` for `spill_over`."));
  t.push_back(distribution("services[].service_time", Q::duration).by_default("100ms").above(0).doc(
      "Time one request occupies one replica slot, independent of the other requests. Give either "
      "`service_time` or `flops`, not both; the default applies when neither is given."));
  add_distribution_forms(t, "services[].service_time", Q::duration, "service time");
  t.push_back(distribution("services[].flops", Q::compute_amount).above(0).doc(
      "Work per request, split evenly over the replica's GPUs; concurrent requests on a replica share its GPUs."));
  add_distribution_forms(t, "services[].flops", Q::compute_amount, "amount of work");
  t.push_back(map("services[].load_balancer").doc("How requests are routed to replicas."));
  t.push_back(text("services[].load_balancer.policy").by_default("round_robin").doc(
      "Registered load-balancer name (`leptonsim policies` lists them)."));
  t.push_back(quantity("services[].load_balancer.<param>", Q::number).doc(
      "Any other key is a numeric parameter of the policy, checked against the policy's registered parameters when the run starts."));
  t.push_back(map("services[].slo").doc("Service-level objective (reported, not enforced)."));
  t.push_back(quantity("services[].slo.latency_p99", Q::duration).by_default("0s").at_least(0).doc(
      "Target 99th-percentile latency; 0 = no SLO."));

  t.push_back(map("services[].llm").doc(
      "Serve a large language model: prefill (compute-bound) and continuous-batching decode (memory- or "
      "compute-bound, roofline) on the replica's GPUs with tensor parallelism. Replaces `service_time`/`flops`; "
      "`max_concurrency` is replaced by `max_batch` and the KV cache left after the weights."));
  t.push_back(quantity("services[].llm.parameters", Q::number).required().above(0).doc("Model parameters (e.g. `70e9`)."));
  t.push_back(quantity("services[].llm.bytes_per_parameter", Q::number).by_default("2").above(0).doc(
      "Bytes per weight: 2 for BF16, 1 for FP8."));
  t.push_back(integer("services[].llm.layers").by_default("0").at_least(0).doc("Transformer layers (0 = give `kv_bytes_per_token`)."));
  t.push_back(integer("services[].llm.hidden_size").by_default("0").at_least(0).doc("Model dimension."));
  t.push_back(integer("services[].llm.attention_heads").by_default("0").at_least(0).doc("Query heads."));
  t.push_back(integer("services[].llm.kv_heads").by_default("0").at_least(0).doc(
      "Key/value heads for grouped-query attention; 0 = as many as attention_heads."));
  t.push_back(quantity("services[].llm.kv_bytes_per_element", Q::number).by_default("2").above(0).doc(
      "Bytes per KV-cache element: 2 for BF16, 1 for FP8."));
  t.push_back(quantity("services[].llm.kv_bytes_per_token", Q::size).by_default("0B").at_least(0).doc(
      "KV-cache bytes per token of context, when the architecture is not given."));
  t.push_back(integer("services[].llm.max_batch").by_default("64").at_least(1).doc(
      "Requests a replica prefills or decodes at once."));
  t.push_back(quantity("services[].llm.compute_efficiency", Q::number).by_default("0.5").above(0).at_most(1).doc(
      "Achieved fraction of the GPUs' peak FLOP/s (model FLOPs utilisation)."));
  t.push_back(quantity("services[].llm.memory_efficiency", Q::number).by_default("0.8").above(0).at_most(1).doc(
      "Achieved fraction of HBM bandwidth."));
  t.push_back(quantity("services[].llm.memory_reserved_fraction", Q::number).by_default("0.1").at_least(0).at_most(0.99).doc(
      "HBM kept for activations and fragmentation; the KV cache gets what is left after the weights."));
  t.push_back(choice("services[].llm.decode").by_default("fluid").one_of({"fluid", "iteration"}).doc(
      "`fluid`: decode advances as a fluid whose rate is recomputed only when the batch changes (a few events per "
      "request); `iteration`: one event per decode iteration (exact, for small runs)."));
  t.push_back(map("services[].tokens").doc("Tokens per request for the LLM model when the arrivals do not carry them."));
  t.push_back(distribution("services[].tokens.input", Q::number).by_default("512").above(0).doc(
      "Prompt tokens (rounded to a whole number, at least 1)."));
  add_distribution_forms(t, "services[].tokens.input", Q::number, "prompt tokens");
  t.push_back(distribution("services[].tokens.output", Q::number).by_default("128").above(0).doc(
      "Generated tokens (rounded, at least 1)."));
  add_distribution_forms(t, "services[].tokens.output", Q::number, "generated tokens");
  t.push_back(map("services[].autoscaler").doc("How the replica count follows the load."));
  t.push_back(text("services[].autoscaler.policy").by_default("static").doc(
      "Registered autoscaler name (`leptonsim policies --kind autoscaler` lists them with their parameters)."));
  t.push_back(quantity("services[].autoscaler.<param>", Q::number).doc(
      "Any other key is a numeric parameter of the autoscaler (e.g. `min_replicas`, `max_replicas`, `target`), "
      "checked against the policy's registered parameters."));
  t.push_back(map("services[].cold_start").doc(
      "What a new replica goes through before it serves: placement, image pull, weights loaded from the site's "
      "storage over the simulated network (so concurrent cold starts share bandwidth), warm-up."));
  t.push_back(quantity("services[].cold_start.placement_delay", Q::duration).by_default("0s").at_least(0).doc(
      "From the scaling decision to GPUs being assigned."));
  t.push_back(quantity("services[].cold_start.image_pull", Q::duration).by_default("0s").at_least(0).doc(
      "Time to pull the container image."));
  t.push_back(quantity("services[].cold_start.weights", Q::size).by_default("0B").at_least(0).doc(
      "Model weights sent from the site's storage host to the replica's GPUs (split evenly over them)."));
  t.push_back(quantity("services[].cold_start.warmup", Q::duration).by_default("0s").at_least(0).doc(
      "Time after the weights arrive until the replica serves."));
  t.push_back(text("services[].cold_start.model").by_default("the service's name").doc(
      "Name of the weights in the nodes' `weight_cache`: services with the same model share cached weights."));
  t.push_back(choice("services[].placement").by_default("pack").one_of({"pack", "spread"}).doc(
      "Where new replicas go: `pack` fills the fullest node that fits, `spread` the emptiest."));
  t.push_back(integer("services[].min_ready_replicas").by_default("1").at_least(1).doc(
      "k of a k-of-n service: `service.<name>.availability` counts the time with at least this many replicas ready "
      "on working hardware."));
  t.push_back(integer("services[].priority").by_default("0").doc(
      "When services wait for free GPUs, higher priorities are placed first."));
  t.push_back(map("services[].balancer_queue").doc(
      "Requests waiting at the load balancer (with `queue: balancer`, or while no replica is ready)."));
  t.push_back(integer("services[].balancer_queue.capacity").by_default("10000").at_least(0).doc(
      "Waiting requests; an arrival finding it full is dropped."));
  t.push_back(quantity("services[].balancer_queue.timeout", Q::duration).by_default("60s").at_least(0).doc(
      "A request waiting longer is dropped; 0 = no limit."));
  t.push_back(map("services[].retry").doc(
      "What clients do when a replica fails under their request (see `failures`): the request gets no answer, the "
      "client gives up after `timeout` and sends it again through the load balancer, at most `attempts` times."));
  t.push_back(integer("services[].retry.attempts").by_default("1").at_least(0).doc(
      "Retries of a request that got no answer; after the last one it counts as failed."));
  t.push_back(quantity("services[].retry.timeout", Q::duration).by_default("30s").above(0).doc(
      "How long a client waits on a replica that has failed before it gives up on that attempt (counted from when "
      "the request reached the replica, or from the failure for a request already in service)."));

  // Training and batch jobs.
  t.push_back(map("jobs").doc(
      "Gang-scheduled GPU jobs (training, batch) sharing the GPU pool with the services: where they come from "
      "(`list`, `trace`, `synthetic`, any mix) and how they are queued and placed."));
  t.push_back(text("jobs.site").by_default("the first site").doc("Site whose nodes the jobs run on."));
  t.push_back(map("jobs.queue").doc("Queue policy: which waiting jobs start, and which running jobs are preempted."));
  t.push_back(text("jobs.queue.policy").by_default("fifo").doc(
      "A registered job queue policy: `fifo`, `sjf`, `priority`, `easy_backfill`, `las` (`leptonsim policies --kind job_queue`)."));
  t.push_back(quantity("jobs.queue.<param>", Q::number).doc("A parameter of the queue policy (see `leptonsim policies`)."));
  t.push_back(map("jobs.placement").doc("Placement policy: which GPUs a starting job gets."));
  t.push_back(text("jobs.placement.policy").by_default("first_fit").doc(
      "A registered job placement policy: `first_fit`, `best_fit`, `topology_pack`, `spread`."));
  t.push_back(quantity("jobs.placement.<param>", Q::number).doc("A parameter of the placement policy."));
  t.push_back(quantity("jobs.estimate_factor", Q::number).by_default("1").above(0).doc(
      "Runtime estimates the schedulers see (SJF, EASY reservations) are the true remaining time times this "
      "(users' requested time limits are typically 2-5 times the real runtime)."));
  add_job_properties(t, "jobs.defaults", "Defaults for every job: list items override them; trace and synthetic jobs take them as they are.");
  t.push_back(list("jobs.list").of(ValueType::map).by_default("[]").doc("Jobs written out one by one."));
  t.push_back(text("jobs.list[].name").required().doc("Job name (with `count` > 1: `name-0`, `name-1`, ...)."));
  t.push_back(integer("jobs.list[].count").by_default("1").at_least(1).doc("Identical copies of the job, submitted together."));
  t.push_back(quantity("jobs.list[].submit", Q::duration).by_default("0s").at_least(0).doc("Submission time."));
  t.push_back(integer("jobs.list[].gpus").by_default("1").at_least(1).doc("GPUs the job needs, all at once (gang)."));
  t.push_back(integer("jobs.list[].gpu_milli").by_default("1000").at_least(1).at_most(1000).doc(
      "Share of each GPU in thousandths; below 1000 the job shares GPUs with other fractional jobs and runs on one node."));
  t.push_back(text("jobs.list[].gpu_type").by_default("any GPU of the site").doc("Required GPU type."));
  t.push_back(quantity("jobs.list[].duration", Q::duration).above(0).doc(
      "Run time when alone on its GPUs (checkpoint writes and restores come on top). Give `duration`, `work` or `stages`."));
  t.push_back(map("jobs.list[].work").doc(
      "Data-parallel training: each iteration computes `flops_per_iteration` split over the job's GPUs, then "
      "ring-all-reduces `allreduce` bytes over them through the network (each GPU sends 2(n-1)/n x bytes to the "
      "next in ring order), so placement changes the speed."));
  t.push_back(quantity("jobs.list[].work.iterations", Q::number).required().at_least(1).doc("Training iterations."));
  t.push_back(quantity("jobs.list[].work.flops_per_iteration", Q::compute_amount).required().above(0).doc(
      "FLOP of one iteration over all GPUs (forward and backward of the global batch)."));
  t.push_back(quantity("jobs.list[].work.allreduce", Q::size).by_default("0B").at_least(0).doc(
      "Bytes all-reduced per iteration (the gradients: parameters x bytes per gradient)."));
  t.push_back(integer("jobs.list[].work.steps").by_default("100").at_least(1).doc(
      "Simulation granularity: the iterations run as at most this many steps of equal size, each one compute "
      "phase and one all-reduce (per-iteration latency is added per iteration). More steps: finer checkpoint "
      "and preemption timing, more events."));
  t.push_back(list("jobs.list[].stages").of(ValueType::map).at_least(1).doc(
      "A DAG (MapReduce-style) job: stages of tasks run in dependency order; give `stages` instead of `duration` "
      "or `work`. Each task is scheduled as a job of its own (queue, placement, preemption); a stage starts when every "
      "stage it comes `after` has finished, and each of its tasks first fetches its share of their output through the "
      "network from the nodes that wrote it (the same node: a local read, no transfer). The job completes with its last "
      "task."));
  t.push_back(text("jobs.list[].stages[].name").required().doc("Stage name, unique within the job."));
  t.push_back(integer("jobs.list[].stages[].tasks").by_default("1").at_least(1).doc("Tasks of the stage, run in parallel when GPUs allow."));
  t.push_back(integer("jobs.list[].stages[].gpus").by_default("1").at_least(1).doc("GPUs each task needs, all at once."));
  t.push_back(quantity("jobs.list[].stages[].duration", Q::duration).required().above(0).doc(
      "Run time of one task alone on its GPUs, after its input has arrived."));
  t.push_back(list("jobs.list[].stages[].after").of(ValueType::string).by_default("[]").doc(
      "Stages of the same job that must finish first (no cycles)."));
  t.push_back(quantity("jobs.list[].stages[].output", Q::size).by_default("0B").at_least(0).doc(
      "Bytes each task writes for the stages after it: every downstream stage reads all of it, each of its tasks one "
      "equal partition from every task of this stage (a shuffle)."));
  t.push_back(quantity("jobs.list[].estimate", Q::duration).above(0).doc(
      "Runtime estimate the schedulers see; default: duration x `estimate_factor`, or the ideal time of `work`."));
  add_job_properties(t, "jobs.list[]", "");
  t.push_back(map("jobs.trace").doc(
      "Replay of a GPU cluster job trace: each row one job needing `num_gpu` GPUs for its recorded duration, "
      "submitted at its recorded time (the first at 0). Rows that are well formed but unusable are skipped and counted "
      "(`jobs.skipped` in the summary, a `jobs_skipped` event per reason)."));
  t.push_back(choice("jobs.trace.format").required().one_of({"philly_csv", "alibaba_openb", "helios_csv"}).doc(
      "`philly_csv`: Tiresias/Philly `job_id,num_gpu,submit_time,iterations,model_name,duration,interval`; "
      "`alibaba_openb`: the openb pod list (fractional `gpu_milli` shares; `gpu_spec` is not mapped to GPU types); "
      "`helios_csv`: Helios `cluster_log.csv`."));
  t.push_back(text("jobs.trace.path").required().doc("Trace file, relative to the scenario file's folder."));
  t.push_back(quantity("jobs.trace.time_scale", Q::number).by_default("1").above(0).doc(
      "Multiplies every submission time (0.5 = submissions twice as dense)."));
  t.push_back(integer("jobs.trace.max_jobs").by_default("0").at_least(0).wide().doc("Only the first jobs by submission; 0 = all."));
  t.push_back(map("jobs.synthetic").doc("Generated jobs: Poisson submissions with random sizes and durations."));
  t.push_back(integer("jobs.synthetic.count").required().at_least(1).wide().doc("Number of jobs."));
  t.push_back(quantity("jobs.synthetic.rate", Q::rate).required().above(0).doc("Mean submissions per second (e.g. `30/h`)."));
  t.push_back(list("jobs.synthetic.gpus").of(ValueType::map).by_default("[{gpus: 1, weight: 1}]").doc(
      "GPU counts and their relative weights."));
  t.push_back(integer("jobs.synthetic.gpus[].gpus").required().at_least(1).doc("GPUs of a job of this kind."));
  t.push_back(quantity("jobs.synthetic.gpus[].weight", Q::number).by_default("1").above(0).doc("Relative frequency."));
  t.push_back(distribution("jobs.synthetic.duration", Q::duration).by_default("1h").above(0).doc("Run time of each job."));
  add_distribution_forms(t, "jobs.synthetic.duration", Q::duration, "run time");

  // Failures.
  t.push_back(map("failures").doc(
      "Hardware failures, their detection and repair. A failed GPU or node has its SimGrid hosts turned off (work "
      "in flight on it fails); a failed NIC, link, switch, PDU or site cuts off the nodes the topology graph puts "
      "below it (their network links are turned off). Until a failure is detected the load balancers keep "
      "sending to the replicas on it and the schedulers keep counting its GPUs; then replicas are replaced "
      "elsewhere and jobs restart from their last checkpoint. Repaired components return to the pool."));
  t.push_back(choice("failures.profile").one_of(failure_profile_names()).doc(
      "Failure classes calibrated on public figures, from `data/failure-calibration.yaml` (each rate with its source): "
      "`llama3-405b` (the 419 interruptions of Llama 3 pre-training on 16,384 H100s in 54 days, by cause), "
      "`drives-backblaze-2024` (annualised drive failure rate). `classes` with a profile class's name replace it; "
      "other classes add to it."));
  t.push_back(map("failures.detection").doc("Health checks."));
  t.push_back(quantity("failures.detection.period", Q::duration).by_default("10s").above(0).doc(
      "Health checks run at every multiple of this period."));
  t.push_back(quantity("failures.detection.delay", Q::duration).by_default("30s").at_least(0).doc(
      "From the first health check at or after a failure to the failure being acted on (check timeouts, "
      "confirmations): a failure at t is detected at ceil(t / period) x period + delay."));
  t.push_back(list("failures.classes").of(ValueType::map).by_default("[]").doc(
      "Failure classes. Every component of a class fails independently: after each repair it runs for a time drawn "
      "from `time_to_failure` (or exponential with mean `mtbf`, or rate `rate`), then is down for a time drawn from "
      "`repair`. Several classes may name the same component kind with their own rates (GPU memory, GPU other, ...)."));
  t.push_back(text("failures.classes[].name").by_default("the component").doc(
      "Class name (a cause): unique; used in events and per-class metrics."));
  t.push_back(choice("failures.classes[].component").required().one_of(
      {"gpu", "node", "nic", "link", "leaf_switch", "spine_switch", "aggregation_switch", "core_switch", "border_router",
       "pdu", "site", "storage_node", "disk"}).doc(
      "What fails: one `gpu`; a whole `node` (all its GPUs); a node's `nic` or its `link` to the leaf switch (the node "
      "is cut off); a `leaf_switch` (its rack is cut off), `spine_switch`, `aggregation_switch`, `core_switch` or "
      "`border_router` (whatever loses its way out; a redundant switch cuts off nothing); a rack's power `pdu` (every "
      "node of the rack and its leaf switch); a whole `site`; a `storage_node` (its disks' data is unavailable) or one "
      "`disk` (its data is gone); see `data.repair`."));
  t.push_back(quantity("failures.classes[].mtbf", Q::duration).above(0).doc(
      "Mean time between failures of one component: exponential times to failure. Give `mtbf`, `rate` or "
      "`time_to_failure`."));
  t.push_back(quantity("failures.classes[].rate", Q::rate).above(0).doc(
      "Failures per second of one component (e.g. `2e-5/h`): exponential times to failure with mean 1/rate."));
  t.push_back(distribution("failures.classes[].time_to_failure", Q::duration).above(0).doc(
      "Run time of one component from a repair to its next failure (e.g. Weibull for wear-out)."));
  add_distribution_forms(t, "failures.classes[].time_to_failure", Q::duration, "time to failure");
  t.push_back(distribution("failures.classes[].repair", Q::duration).by_default("4h").at_least(0).doc(
      "Time from the failure until the component is back in service (diagnosis, replacement, reboot)."));
  add_distribution_forms(t, "failures.classes[].repair", Q::duration, "repair time");
  t.push_back(text("failures.classes[].site").by_default("every site").doc("Only this site's components fail."));
  t.push_back(list("failures.classes[].components").of(ValueType::string).by_default("[]").doc(
      "Only these components fail, by topology name (`dc/r3` for rack 3's PDU, `dc/r0/n1` for a node); each must be "
      "of the class's `component` kind. Empty: all of them."));
  t.push_back(choice("failures.classes[].purchase").by_default("any")
                  .one_of({"any", "on_demand", "reserved_1y", "reserved_3y", "spot", "owned"}).doc(
      "Only GPUs, nodes and NICs of nodes paid for this way (fixed nodes by the site's `purchase` mix, pool nodes by "
      "their pool's): `spot` with `notice` models spot reclaims."));
  t.push_back(quantity("failures.classes[].notice", Q::duration).by_default("0s").at_least(0).doc(
      "Spot capacity: each failure is a reclaim announced this long before. At the notice the GPUs are cordoned "
      "(nothing new is placed there), jobs on them save their progress (timer-path jobs that checkpoint) and go "
      "back to the queue, and replicas there drain while replacements start elsewhere; the reclaim itself needs no "
      "detection. `repair` is the time until the capacity comes back."));
  t.push_back(map("failures.spares").doc(
      "A standby pool of spare nodes for failover: the last `nodes` nodes of the site are kept out of the pool. When "
      "a failure is detected, a healthy spare takes over each failed node's capacity after `activation`; when the "
      "failed node is repaired it becomes the spare. Standby nodes cost `standby_price` of their price."));
  t.push_back(integer("failures.spares.nodes").by_default("0").at_least(0).doc("Spare nodes (the site's last nodes)."));
  t.push_back(text("failures.spares.site").by_default("the first site").doc("Site of the spares."));
  t.push_back(quantity("failures.spares.activation", Q::duration).by_default("5min").at_least(0).doc(
      "From the detection of a failure until the spare's GPUs join the pool (boot, health check, join)."));
  t.push_back(quantity("failures.spares.standby_price", Q::number).by_default("1").at_least(0).at_most(1).doc(
      "Fraction of the node's hourly price paid while it stands by (1: reserved capacity paid in full; lower for "
      "powered-down or pooled standby)."));
  t.push_back(map("failures.trace").doc(
      "Replay of a failure trace: a CSV file with the header `time,component,duration,cause` and one row per "
      "failure: its time (seconds, or a duration such as `2h`), the failed component by its topology name "
      "(`dc1/r0/n3/gpu2`, `dc1/r0/n3`, `dc1/r0/n3/nic`, `dc1/leaf0`, `dc1/spine1`, `dc1/r2` for the rack's power, "
      "`dc1` for the site), the time to repair, and the cause (the class in metrics). An optional `notice` column "
      "(seconds) makes the row a reclaim announced that long before (see `classes[].notice`)."));
  t.push_back(text("failures.trace.path").required().doc("Trace file, relative to the scenario file's folder."));

  // Data.
  t.push_back(map("data").doc(
      "Data stored on the storage nodes of a site: objects split into chunks, each chunk stored as pieces (copies or "
      "erasure-coded fragments) on distinct nodes. Disk and storage-node failures (`failures.classes` with component "
      "`disk` or `storage_node`, or a leaf switch or PDU above them) lose pieces, which are rebuilt over the network; "
      "a chunk with fewer pieces than it needs is lost (and restored from its origin, the site's storage gateway)."));
  t.push_back(text("data.site").by_default("the first site").doc("Site whose storage nodes hold the data."));
  t.push_back(list("data.objects").of(ValueType::map).required().at_least(1).doc("Data objects."));
  t.push_back(text("data.objects[].name").required().doc("Unique object name."));
  t.push_back(quantity("data.objects[].size", Q::size).required().above(0).doc("Bytes of the object (one copy)."));
  t.push_back(quantity("data.objects[].chunk", Q::size).by_default("256MB").above(0).doc(
      "Chunk size; the last chunk of an object may be smaller."));
  t.push_back(integer("data.objects[].count").by_default("1").at_least(1).doc("Identical objects (`name-0`, `name-1`, ...)."));
  t.push_back(map("data.redundancy").doc("How each chunk is stored redundantly."));
  t.push_back(text("data.redundancy.policy").by_default("replication").doc(
      "Registered redundancy scheme: `replication` (parameter `factor`, default 3) or `erasure_coding` (Reed-Solomon, "
      "parameters `data` k, default 6, and `parity` m, default 3); `leptonsim policies` lists them."));
  t.push_back(quantity("data.redundancy.<param>", Q::number).doc("A parameter of the scheme, e.g. `factor: 3`."));
  t.push_back(map("data.placement").doc("Which disks hold the pieces of a chunk."));
  t.push_back(text("data.placement.policy").by_default("rack_aware").doc(
      "Registered data placement policy: `random` (distinct nodes), `rack_aware` (distinct racks), `copysets` "
      "(parameter `scatter_width`, default 4)."));
  t.push_back(quantity("data.placement.<param>", Q::number).doc("A parameter of the placement policy."));
  t.push_back(map("data.repair").doc("Rebuilding lost pieces."));
  t.push_back(choice("data.repair.target").by_default("survivors").one_of({"survivors", "replacement"}).doc(
      "`survivors`: after `delay`, pieces of a failed disk or node are rebuilt on other disks chosen by the placement "
      "policy (HDFS, Ceph); a node back before `delay` keeps its data, one back later returns empty. `replacement`: "
      "pieces are rebuilt on the failed disk when it is repaired (RAID-like); a failed node keeps its data."));
  t.push_back(distribution("data.repair.delay", Q::duration).by_default("10min").at_least(0).doc(
      "`survivors`: time from a failure until its pieces are declared lost and their rebuild starts (Ceph's "
      "`mon_osd_down_out_interval` is 10 min, HDFS's dead-node interval 10.5 min)."));
  add_distribution_forms(t, "data.repair.delay", Q::duration, "repair delay");
  t.push_back(quantity("data.repair.bandwidth", Q::bandwidth).by_default("0").at_least(0).doc(
      "Repair traffic budget over the whole storage (bytes read for rebuilds per second); rebuilds start paced to it. "
      "0 = unlimited: only disks and network limit them."));
  t.push_back(integer("data.repair.parallelism").by_default("64").at_least(1).doc("Pieces rebuilt at the same time."));
  t.push_back(quantity("data.price_per_gb_month", Q::storage_price).by_default("the provider's storage price, else 0").at_least(0).doc(
      "Price per GB (10^9 bytes) stored per month (730 h), counting every piece (redundancy included); in `cost.storage`."));
  t.push_back(map("data.backup").doc(
      "Scheduled backups: a full one at the start and every `full_every`, incremental ones every `incremental_every` "
      "(the bytes changed since the previous backup). A backup copies from every storage node of the data's site to "
      "the `destination` through the network (off-site: over the WAN), competing with other traffic; one still "
      "running when the next is due makes that one wait until it ends. Lost chunks are restored from the backup "
      "destination; the changes made since the latest completed backup began are lost for good "
      "(`data.bytes_unrecoverable`), and all of a chunk's bytes when no backup has completed."));
  t.push_back(quantity("data.backup.full_every", Q::duration).by_default("7d").above(0).doc("Time between full backups."));
  t.push_back(quantity("data.backup.incremental_every", Q::duration).by_default("1d").at_least(0).doc(
      "Time between incremental backups; 0 = full backups only."));
  t.push_back(quantity("data.backup.change_rate", Q::number).by_default("0.02").at_least(0).doc(
      "Fraction of the data's bytes changed per day (sets the size of incremental backups and what a restore lacks)."));
  t.push_back(text("data.backup.destination").by_default("local").doc(
      "`local`: the site's backup store behind its storage gateway; or the name of another site, whose storage "
      "gateway receives the backups over the WAN (and serves restores back)."));
  t.push_back(map("data.quorum").doc(
      "Quorum reads and writes of small replicated keys (metadata, checkpoint manifests), Dynamo/Cassandra style: each "
      "key has `replicas` (N) copies on distinct storage nodes chosen at random; an operation goes to all N, a write is "
      "acknowledged when `write_quorum` (W) replicas applied it, a read answers when `read_quorum` (R) replicas "
      "responded, with the newest version among them. W + R > N is strong (a read always sees the last acknowledged "
      "write); otherwise eventual, and reads older than a write acknowledged before they began are counted as stale. "
      "Each replica's response is its network transfer (through the fabric, shared with repair traffic) plus "
      "`service_time`; replicas on unavailable nodes do not answer, and an operation that cannot reach its quorum fails. "
      "There is no hinted handoff or read repair: a replica that missed writes while down keeps old versions until the "
      "key is written again."));
  t.push_back(integer("data.quorum.replicas").by_default("3").at_least(1).doc("Replicas per key (N)."));
  t.push_back(integer("data.quorum.write_quorum").by_default("2").at_least(1).doc("Replicas that must apply a write (W), at most N."));
  t.push_back(integer("data.quorum.read_quorum").by_default("2").at_least(1).doc("Replicas that must answer a read (R), at most N."));
  t.push_back(integer("data.quorum.keys").by_default("1000").at_least(1).doc("Keys; each operation picks one uniformly."));
  t.push_back(quantity("data.quorum.value_size", Q::size).by_default("4KB").at_least(0).doc(
      "Bytes sent to each replica by a write, and from each replica by a read."));
  t.push_back(quantity("data.quorum.write_rate", Q::rate).by_default("0/s").at_least(0).doc("Writes per second (Poisson)."));
  t.push_back(quantity("data.quorum.read_rate", Q::rate).by_default("0/s").at_least(0).doc("Reads per second (Poisson)."));
  t.push_back(distribution("data.quorum.service_time", Q::duration).by_default("exponential, mean 1ms").at_least(0).doc(
      "Time a replica takes to apply a write, or to read the value, once the request is there."));
  add_distribution_forms(t, "data.quorum.service_time", Q::duration, "replica service time");

  // Node autoscaler.
  t.push_back(map("node_autoscaler").doc(
      "The policy that grows and shrinks the sites' `pools` (`leptonsim policies --kind node_autoscaler`); used when "
      "some site has pools."));
  t.push_back(text("node_autoscaler.policy").by_default("cluster_autoscaler").doc(
      "Registered node autoscaler: `cluster_autoscaler` (the Kubernetes cluster autoscaler's rules)."));
  t.push_back(quantity("node_autoscaler.<param>", Q::number).doc(
      "A numeric parameter of the policy, durations in seconds, e.g. `scan_interval: 10`, "
      "`scale_down_utilization_threshold: 0.5`, `scale_down_unneeded_time: 600`."));

  // Cost.
  t.push_back(map("cost").doc(
      "Prices and electricity. Every node is billed by the hour from its purchase type (`cost.compute.<type>`); "
      "owned nodes also pay their electricity (`cost.energy`); energy and carbon are reported for every node."));
  t.push_back(text("cost.provider").by_default("catalog").doc(
      "Default price list of the sites' nodes: a provider of `data/prices.yaml` (`leptonsim catalog` lists them), or "
      "`catalog` for the node shapes' on-demand prices (`data/node_shapes.yaml`, `catalog.node_shapes[].price`)."));
  add_purchase_mix(t, "cost.purchase",
                   "How nodes are paid for, by default: shares by purchase type summing to 1; each site's nodes are "
                   "split by largest remainder, committed types first (`owned`, `reserved_3y`, `reserved_1y`, "
                   "`on_demand`, `spot`).",
                   true);
  t.push_back(quantity("cost.egress", Q::transfer_price).by_default("the provider's, else $0/GB").at_least(0).doc(
      "Price of bytes sent from one site to another (requests and responses routed across sites, off-site backups); "
      "in `cost.egress`."));
  t.push_back(list("cost.prices").of(ValueType::map).by_default("[]").doc(
      "Prices of node shapes that replace the price list's (negotiated rates) or add to it."));
  t.push_back(text("cost.prices[].node").required().doc("Node shape name."));
  for (const std::string& key : purchase_keys()) {
    if (key == "owned") continue;
    t.push_back(quantity("cost.prices[]." + key, Q::money_rate).by_default("the price list's").at_least(0).doc(
        fmt::format("Price per node-hour of `{}` nodes.", key)));
  }
  t.push_back(quantity("cost.prices[].purchase_price", Q::money).by_default("data/prices.yaml `owned`").at_least(0).doc(
      "`owned` nodes: purchase price of one node (with its share of racks and network, if wanted)."));
  t.push_back(quantity("cost.prices[].lifetime", Q::duration).by_default("data/prices.yaml `owned`").above(0).doc(
      "`owned` nodes: the purchase is amortised evenly over this time (`5y`; `y` = 365 days)."));
  add_energy(t, "cost.energy", "Electricity of every site, unless the site gives its own `energy`.", true);

  // Catalogue overrides.
  t.push_back(map("catalog").doc(
      "Additions to and overrides of the built-in hardware catalogue (`data/gpus.yaml`, `data/node_shapes.yaml`, "
      "`data/disks.yaml`). "
      "An entry with an existing name changes only the fields it gives; a new name must give every field."));
  t.push_back(list("catalog.gpus").of(ValueType::map).by_default("[]").doc("GPU types."));
  t.push_back(text("catalog.gpus[].name").required().doc("GPU type name, e.g. `H100-SXM`."));
  t.push_back(quantity("catalog.gpus[].dense_bf16", Q::compute_rate).by_default("the built-in value").above(0).doc("Dense BF16 tensor-core peak."));
  t.push_back(quantity("catalog.gpus[].memory", Q::size).by_default("the built-in value").above(0).doc("HBM capacity."));
  t.push_back(quantity("catalog.gpus[].memory_bandwidth", Q::bandwidth).by_default("the built-in value").above(0).doc("HBM bandwidth."));
  t.push_back(quantity("catalog.gpus[].nvlink", Q::bandwidth).by_default("the built-in value").at_least(0).doc(
      "Per-GPU NVLink bandwidth in each direction; 0 = PCIe only."));
  t.push_back(quantity("catalog.gpus[].idle_power", Q::power).by_default("the built-in value").at_least(0).doc("Power drawn at idle."));
  t.push_back(quantity("catalog.gpus[].max_power", Q::power).by_default("the built-in value").above(0).doc(
      "Power drawn at full load (TDP); at least `idle_power`."));
  t.push_back(list("catalog.node_shapes").of(ValueType::map).by_default("[]").doc("Node shapes."));
  t.push_back(text("catalog.node_shapes[].name").required().doc("Node shape name, e.g. `h100x8`."));
  t.push_back(text("catalog.node_shapes[].gpu").by_default("the built-in value").doc("GPU type name (built-in or from `catalog.gpus`)."));
  t.push_back(integer("catalog.node_shapes[].gpus").by_default("the built-in value").at_least(1).doc("GPUs per node."));
  t.push_back(integer("catalog.node_shapes[].cpu_cores").by_default("the built-in value").at_least(1).doc("Host CPU cores."));
  t.push_back(quantity("catalog.node_shapes[].cpu", Q::compute_rate).by_default("the built-in value").above(0).doc("Compute rate of the host CPU (all cores)."));
  t.push_back(quantity("catalog.node_shapes[].nic", Q::bandwidth).by_default("the built-in value").above(0).doc("Aggregate network bandwidth of the node (all NICs)."));
  t.push_back(quantity("catalog.node_shapes[].pcie", Q::bandwidth).by_default("the built-in value").above(0).doc(
      "Bandwidth between a GPU and the host or NIC when there is no NVLink."));
  t.push_back(quantity("catalog.node_shapes[].price", Q::money_rate).by_default("the built-in value").at_least(0).doc("On-demand price per node-hour."));
  t.push_back(quantity("catalog.node_shapes[].base_power", Q::power).by_default("the built-in value, else 0W").at_least(0).doc(
      "Power of everything but the GPUs (CPUs, memory, NICs, fans) while the node is on."));
  t.push_back(quantity("catalog.node_shapes[].off_power", Q::power).by_default("the built-in value, else 0W").at_least(0).doc(
      "Power drawn while the node is off."));
  t.push_back(list("catalog.disks").of(ValueType::map).by_default("[]").doc("Disk types of storage nodes."));
  t.push_back(text("catalog.disks[].name").required().doc("Disk type name, e.g. `nvme-7680gb`."));
  t.push_back(quantity("catalog.disks[].capacity", Q::size).by_default("the built-in value").above(0).doc("Capacity."));
  t.push_back(quantity("catalog.disks[].read", Q::bandwidth).by_default("the built-in value").above(0).doc("Sequential read bandwidth."));
  t.push_back(quantity("catalog.disks[].write", Q::bandwidth).by_default("the built-in value").above(0).doc("Sequential write bandwidth."));
  return t;
}

std::string format_bound(double value) { return fmt::format("{}", value); }

std::string backticked_list(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += "`" + items[i] + "`";
  }
  return out;
}

}  // namespace

std::string SchemaEntry::parent() const {
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? std::string() : path.substr(0, dot);
}

std::string SchemaEntry::key() const {
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

const std::vector<SchemaEntry>& scenario_schema() {
  static const std::vector<SchemaEntry> table = build_schema();
  return table;
}

const SchemaEntry* find_schema_entry(std::string_view pattern) {
  const auto& table = scenario_schema();
  for (const auto& entry : table)
    if (entry.path == pattern) return &entry;
  const auto dot = pattern.rfind('.');
  const std::string wildcard =
      join_key_path(dot == std::string_view::npos ? std::string_view() : pattern.substr(0, dot), "<param>");
  for (const auto& entry : table)
    if (entry.path == wildcard) return &entry;
  return nullptr;
}

std::vector<std::string> schema_child_keys(std::string_view parent_pattern) {
  std::vector<std::string> keys;
  for (const auto& entry : scenario_schema())
    if (entry.parent() == parent_pattern && !entry.is_wildcard()) keys.push_back(entry.key());
  return keys;
}

std::string join_key_path(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return fmt::format("{}.{}", parent, key);
}

std::string key_path_pattern(std::string_view concrete_path) {
  std::string pattern;
  bool in_index = false;
  for (char c : concrete_path) {
    if (c == '[') {
      in_index = true;
      pattern += "[]";
    } else if (c == ']') {
      in_index = false;
    } else if (!in_index) {
      pattern += c;
    }
  }
  return pattern;
}

std::string describe_range(const SchemaEntry& entry) {
  if (entry.type == ValueType::list) {
    if (entry.min && entry.max && *entry.min == *entry.max)
      return fmt::format("exactly {} items", format_bound(*entry.min));
    std::string out;
    if (entry.min) out = fmt::format("at least {} item{}", format_bound(*entry.min), *entry.min == 1 ? "" : "s");
    if (entry.max) out += fmt::format("{}at most {} items", out.empty() ? "" : ", ", format_bound(*entry.max));
    return out;
  }
  std::string out;
  if (entry.min) out = fmt::format("{} {}", entry.min_exclusive ? ">" : ">=", format_bound(*entry.min));
  if (entry.max) out += fmt::format("{}<= {}", out.empty() ? "" : " and ", format_bound(*entry.max));
  return out;
}

std::string describe_expected(const SchemaEntry& entry) {
  switch (entry.type) {
    case ValueType::map: {
      const auto keys = schema_child_keys(entry.path);
      return keys.empty() ? "a map" : fmt::format("a map with keys {}", backticked_list(keys));
    }
    case ValueType::list: return entry.element == ValueType::map ? "a list of maps" : "a list of names";
    case ValueType::string: return "a string";
    case ValueType::choice: return fmt::format("one of {}", backticked_list(entry.choices));
    case ValueType::integer: return "an integer";
    case ValueType::quantity:
      if (entry.quantity == QuantityKind::number) return "a number";
      return fmt::format("a {} such as {}", quantity_kind_name(entry.quantity), quantity_examples(entry.quantity));
    case ValueType::distribution:
      return fmt::format("a {} such as {}, or a map with one of `deterministic`, `exponential`, `lognormal`, `weibull`",
                         quantity_kind_name(entry.quantity), quantity_examples(entry.quantity));
  }
  return "a value";
}

// ---------------------------------------------------------------------------
// docs/scenario-reference.md

namespace {

std::string type_column(const SchemaEntry& entry) {
  switch (entry.type) {
    case ValueType::map: return "map";
    case ValueType::list: return entry.element == ValueType::map ? "list of maps" : "list of names";
    case ValueType::string: return "string";
    case ValueType::choice: return "choice";
    case ValueType::integer: return "integer";
    case ValueType::quantity: return std::string(quantity_kind_name(entry.quantity));
    case ValueType::distribution: return fmt::format("distribution of {}", quantity_kind_name(entry.quantity));
  }
  return "";
}

std::string unit_column(const SchemaEntry& entry) {
  if (entry.type != ValueType::quantity && entry.type != ValueType::distribution) return "—";
  const std::string_view unit = quantity_si_unit(entry.quantity);
  return unit.empty() ? "—" : fmt::format("{}", unit);
}

std::string default_column(const SchemaEntry& entry) {
  if (entry.required) return "**required**";
  if (entry.default_text.empty()) return "—";
  // Defaults that are words rather than values ("the first site") are written plainly.
  if (entry.default_text.find(' ') != std::string::npos) return entry.default_text;
  return "`" + entry.default_text + "`";
}

std::string allowed_column(const SchemaEntry& entry) {
  if (entry.type == ValueType::choice) return backticked_list(entry.choices);
  const std::string range = describe_range(entry);
  return range.empty() ? "—" : range;
}

void append_section(std::string& out, const std::string& title, const std::string& intro,
                    const std::vector<const SchemaEntry*>& entries) {
  out += fmt::format("### {}\n\n", title);
  if (!intro.empty()) out += intro + "\n\n";
  out += "| Key | Type | Unit | Default | Allowed | Description |\n";
  out += "|---|---|---|---|---|---|\n";
  for (const SchemaEntry* entry : entries) {
    out += fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", entry->path, type_column(*entry), unit_column(*entry),
                       default_column(*entry), allowed_column(*entry), entry->description);
  }
  out += "\n";
}

}  // namespace

std::string scenario_reference_markdown() {
  std::string out;
  out += R"(# Scenario file reference

<!-- Generated by scenario_reference_markdown() from the schema table in
     scenarios/loader/ScenarioSchema.cpp; do not edit by hand. Regenerate with
     LEPTONSIM_REGENERATE_DOCS=1 build/bin/leptonsim_unit_tests "[scenario-reference]" -->

A scenario is one YAML file that describes one simulated world: the sites and
their hardware, the services and the load they receive. Every key below has a
default unless it is marked **required**; unknown keys are errors. The loader
reports every problem at once as `file:line:column: key.path: message`, with the
closest valid key for typos (did you mean `replicas`?), and the command exits
with status 2 without writing a report.

A minimal scenario:

```yaml
name: minimal
platform:
  sites:
    - name: dc1
services:
  - name: chat
```

## Quantities and units

Quantities are written as a number and a unit (`30s`, `400Gbps`); a space
between them is allowed. Units are case-sensitive: a lower-case `b` is a bit and
an upper-case `B` a byte; `k` (or `K`) is 10^3, `M` 10^6, `G` 10^9, `T` 10^12,
`P` 10^15, `E` 10^18, and `Ki`, `Mi`, `Gi`, `Ti`, `Pi` are powers of 1024. A
plain number (`70e9`) is taken in the unit the value is stored in, shown in the
"Unit" column of the tables below.

| Kind | Stored in | Accepted units | Examples |
|---|---|---|---|
)";
  for (QuantityKind kind : all_quantity_kinds()) {
    if (kind == QuantityKind::number) {
      out += fmt::format("| number | — | none (exponents allowed) | {} |\n", quantity_examples(kind));
      continue;
    }
    std::string units;
    for (const auto& unit : quantity_units_summary(kind)) units += unit == '|' ? '/' : unit;
    out += fmt::format("| {} | {} | {} | {} |\n", quantity_kind_name(kind), quantity_si_unit(kind), units,
                       quantity_examples(kind));
  }
  out += R"(
## Distributions

A key of type *distribution* takes either a single quantity, which every draw
returns (`service_time: 100ms`), or a map with exactly one of these forms:

```yaml
service_time: {deterministic: 100ms}
service_time: {exponential: {mean: 100ms}}
service_time: {lognormal: {mean: 100ms, sigma: 0.5}}
```

`mean` is the mean of the distribution itself; for `lognormal`, `sigma` is the
standard deviation of the underlying normal distribution.

## Overriding values with `--set`

`leptonsim run scenario.yaml --set key.path=value` changes one value before the
scenario is validated; repeat `--set` for several values, later ones win. Key
paths are the ones in the tables below, with list indices counted from 0:

```
--set duration=2h
--set services[0].replicas=8
--set platform.sites[0].fabric.link=100Gbps
--set 'platform.wan[0].between=[us-east, edge-nyc]'
--set services[0].load_balancer.policy=least_outstanding
```

The value is parsed as YAML, so lists and maps work (quote the whole argument
in the shell when it has spaces or brackets). Missing map keys are
created where the schema allows them; a list element must already exist. A
problem with an override is reported as `--set:N:column`, N being the number of
the override (1 for the first). Sweeps use the same key paths. Every resolved
value is recorded in the report's `parameters` table under its key path.

## Keys

Key paths use `.` between map keys and `[]` for the items of a list;
`<param>` stands for any other key.

)";

  struct Section {
    std::string title;
    std::string prefix;
    std::string intro;
  };
  const std::vector<Section> sections = {
      {"Top level", "", "General settings of the run."},
      {"platform", "platform", "Sites, their racks, nodes and fabric, and the WAN between them."},
      {"services", "services", "Inference services: replicas behind a load balancer, scaled by an autoscaler."},
      {"jobs", "jobs",
       "Training and batch jobs: gang-scheduled on the services' GPU pool by a queue policy and a placement policy "
       "(`leptonsim policies --kind job_queue`, `--kind job_placement`). Jobs come from `list`, `trace` and "
       "`synthetic` together. Per-job outcomes are in the report's `jobs` table (docs/report-schema.md)."},
      {"failures", "failures",
       "Failure processes per component class, a failure trace, health-check detection and repair. Every "
       "failure, detection and repair is an event in the report (`failure`, `failure_detected`, `repair`); "
       "per-class counts, observed MTBF and availability are in the summary (`failures.<class>.*`). "
       "`data/failure-calibration.yaml` gives classes derived from public failure figures."},
      {"data", "data",
       "Data on the storage nodes: objects in chunks, redundancy (`leptonsim policies --kind redundancy`), placement "
       "(`--kind data_placement`) and repair. Losses, rebuilds and the estimated mean time to data loss are in the "
       "summary (`data.*`), series and events (`data_loss`, `rebuild_started`, `redundancy_restored`)."},
      {"node_autoscaler", "node_autoscaler",
       "The node autoscaler of the sites' `pools` (`leptonsim policies --kind node_autoscaler`). Its decisions are "
       "events (`node_scale_decision`, `node_provisioning`, `node_ready`, `node_draining`, `node_removed`); pool sizes "
       "are in the summary (`pool.<pool>.*`) and series (`pool.nodes`)."},
      {"cost", "cost",
       "Prices and electricity: node prices from a provider's price list (`data/prices.yaml`) or the node shapes, how "
       "nodes are bought (on demand, reserved, spot, owned), inter-site egress, and the electricity's price, PUE, "
       "carbon intensity and time-of-day tariff. Costs by category, energy and carbon are in the summary (`cost.*`, "
       "`energy.*`, `carbon.kg`) and series (`cost.by_category`, `energy.power`)."},
      {"catalog", "catalog", "Hardware catalogue additions and overrides."},
  };
  for (const auto& section : sections) {
    std::vector<const SchemaEntry*> entries;
    for (const auto& entry : scenario_schema()) {
      const bool top_level_scalar = entry.path.find('.') == std::string::npos &&
                                    entry.path.find('[') == std::string::npos &&
                                    entry.type != ValueType::map && entry.type != ValueType::list;
      const bool in_section = section.prefix.empty()
                                  ? top_level_scalar
                                  : !top_level_scalar && (entry.path == section.prefix ||
                                                          entry.path.rfind(section.prefix + ".", 0) == 0 ||
                                                          entry.path.rfind(section.prefix + "[", 0) == 0);
      if (in_section) entries.push_back(&entry);
    }
    append_section(out, section.title, section.intro, entries);
  }
  // Drop the blank line after the last table so the file ends with exactly one newline.
  while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') out.pop_back();
  return out;
}

}  // namespace leptonsim
