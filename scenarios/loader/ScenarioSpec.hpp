// ScenarioSpec: the validated, unit-free description of one simulated world.
//
// Plain structs with a default and a comment on every field. All quantities are
// stored in SI base units: seconds, bytes, bytes per second, FLOP, FLOP/s, USD.
// The YAML loader (ScenarioLoader) converts unit strings ("30s", "400Gbps") into
// these fields; docs/scenario-reference.md documents every key.
#pragma once

#include "catalog/HardwareCatalog.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace leptonsim {

// A probability distribution of a non-negative quantity.
struct DistributionSpec {
  enum class Kind { deterministic, exponential, lognormal, weibull };
  Kind kind = Kind::deterministic;  // shape of the distribution
  double mean = 0.0;                // mean value (seconds for durations), > 0
  double sigma = 0.0;               // lognormal only: sigma of the underlying normal, >= 0
  double shape = 1.0;               // weibull only: shape k, > 0
};

// Network fabric inside one site.
struct FabricSpec {
  enum class Topology { leaf_spine, fat_tree };
  Topology topology = Topology::leaf_spine;  // leaf_spine: 2-level Clos; fat_tree: 3-level (pods)
  double link_bandwidth = 400e9 / 8;         // bytes/s of every switch-to-switch and switch-to-node link
  double link_latency = 1e-6;                // seconds per fabric link
  double oversubscription = 1.0;             // leaf downlink capacity / uplink capacity, >= 1
  int racks_per_pod = 0;                     // fat_tree only; 0 = all racks in one pod
};

// Storage nodes of a site: racks of their own on the site's fabric, each node
// with identical disks. Data objects (`data:`) are stored on them.
struct StorageSpec {
  int racks = 0;                   // storage racks; 0 = no storage nodes
  int nodes_per_rack = 0;          // storage nodes per rack; 0 = the site's nodes_per_rack (the most a leaf switch takes)
  int disks_per_node = 1;          // disks in each storage node, >= 1
  std::string disk = "nvme-7680gb"; // disk type name from the catalogue
  double nic_bandwidth = 100e9 / 8; // bytes/s of a storage node's network link
  double price_per_hour = 0.0;     // USD per storage node-hour
  int nodes() const { return racks * nodes_per_rack; }
};

// A cache of model weights on each GPU node of a site (see WeightCache): a
// cold start whose weights are cached reads them locally.
struct WeightCacheSpec {
  double capacity = 0.0;            // bytes per node; 0 = no cache
  double bandwidth = 5e9;           // bytes/s read from the cache into the replica's GPUs
  std::string eviction = "lru";     // registered cache eviction policy
  std::map<std::string, double> eviction_params;
  bool is_enabled() const { return capacity > 0; }
};

// One period of a daily time-of-day electricity tariff.
struct TariffPeriodSpec {
  double from = 0.0;   // seconds after midnight (simulated time modulo 24 h)
  double to = 0.0;     // seconds after midnight, exclusive; less than `from` = through midnight
  double price = 0.0;  // USD per kWh
};

// Where a site's electricity comes from: its price, the facility overhead and carbon.
struct EnergySpec {
  double price = 0.0;              // USD per kWh outside tariff periods
  double pue = 1.0;                // power usage effectiveness: facility energy / IT energy, >= 1
  double carbon_intensity = 0.0;   // g CO2e per kWh drawn by the facility
  std::vector<TariffPeriodSpec> tariff;  // daily periods with their own price, not overlapping
};

// How a site's fixed nodes are paid for: shares by purchase type, summing to 1.
using PurchaseMix = std::map<Purchase, double>;

// A node pool of a site: nodes of the site's shape that the node autoscaler
// adds and removes (a Kubernetes node group), paid only while provisioned.
struct NodePoolSpec {
  std::string name;                 // unique within the site, required
  Purchase purchase = Purchase::on_demand;  // how its nodes are paid for
  int min_nodes = 0;                // the autoscaler keeps at least this many
  int max_nodes = 1;                // and at most this many, >= 1
  int initial_nodes = 0;            // provisioned and ready at the start (min_nodes unless given)
  double provisioning_delay = 300.0;  // seconds from the decision to add a node until it is ready
};

// A region (cloud data centre) or an edge site.
struct SiteSpec {
  std::string name;              // unique name, required
  std::string kind = "region";   // region | edge
  int racks = 1;                 // number of racks, >= 1
  int nodes_per_rack = 1;        // GPU nodes in each rack, >= 1
  std::string node = "h100x8";   // node shape name from the catalogue
  FabricSpec fabric;             // the site's network fabric
  StorageSpec storage;           // the site's storage nodes
  WeightCacheSpec weight_cache;  // per GPU node: cached model weights
  std::string provider;          // price list of the site's nodes; from `cost.provider` unless given
  PurchaseMix purchase;          // shares of the site's nodes by purchase type; from `cost.purchase` unless given
  EnergySpec energy;             // electricity; `cost.energy` with the site's `energy` keys on top
  std::vector<NodePoolSpec> pools;  // autoscaled node pools, in preference order

  // GPU racks: the `racks` of fixed nodes, then each pool's racks (its
  // max_nodes, nodes_per_rack to a rack; a pool's last rack may be partly empty).
  int pool_racks(std::size_t pool) const { return (pools[pool].max_nodes + nodes_per_rack - 1) / nodes_per_rack; }
  int gpu_racks() const {
    int total = racks;
    for (std::size_t p = 0; p < pools.size(); ++p) total += pool_racks(p);
    return total;
  }
  // The pool a GPU rack belongs to, -1 for fixed racks.
  int pool_of_rack(int rack) const {
    int first = racks;
    for (std::size_t p = 0; p < pools.size(); ++p) {
      if (rack >= first && rack < first + pool_racks(p)) return static_cast<int>(p);
      first += pool_racks(p);
    }
    return -1;
  }
  // Nodes in a GPU rack (fewer than nodes_per_rack in a pool's last rack).
  int nodes_in_rack(int rack) const {
    int first = racks;
    for (std::size_t p = 0; p < pools.size(); ++p) {
      if (rack >= first && rack < first + pool_racks(p)) return std::min(nodes_per_rack, pools[p].max_nodes - (rack - first) * nodes_per_rack);
      first += pool_racks(p);
    }
    return nodes_per_rack;
  }
  int gpu_nodes() const {
    int total = racks * nodes_per_rack;
    for (const NodePoolSpec& pool : pools) total += pool.max_nodes;
    return total;
  }
  // Racks on the fabric: GPU racks first, then storage racks.
  int fabric_racks() const { return gpu_racks() + storage.racks; }
};

// A wide-area link between two sites.
struct WanLinkSpec {
  std::string site_a;              // first site name
  std::string site_b;              // second site name
  double bandwidth = 100e9 / 8;    // bytes/s in each direction
  double latency = 10e-3;          // one-way seconds
};

struct PlatformSpec {
  std::vector<SiteSpec> sites;     // at least one site
  std::vector<WanLinkSpec> wan;    // links between sites; every pair of sites must be connected
};

// A scheduled burst: the arrival rate is multiplied during [start, start + duration).
struct SpikeSpec {
  double start = 0.0;       // seconds
  double duration = 0.0;    // seconds
  double multiplier = 1.0;  // rate multiplier, >= 0
};

// Replay of a request trace file.
struct TraceSpec {
  std::string format = "azure_llm_csv";  // azure_llm_csv | mooncake_jsonl
  std::string path;                      // file, relative to the scenario file's folder
  double time_scale = 1.0;               // multiplies every gap (0.5 = twice as fast)
  double rate_scale = 1.0;               // multiplies the rate (divides gaps)
  double start_offset = 0.0;             // trace seconds skipped at the start
  bool loop = false;                     // replay again when the trace ends
  std::int64_t max_requests = 0;         // 0 = no limit
};

// Open-loop request arrivals.
struct ArrivalSpec {
  std::string process = "poisson";  // poisson | diurnal | mmpp | trace
  double rate = 1.0;                // requests per second: the rate (poisson), the mean (diurnal), the calm rate (mmpp)
  double peak_to_trough = 1.0;      // diurnal: ratio of the highest to the lowest rate, >= 1
  double period = 86400.0;          // diurnal: seconds per cycle
  double phase = 0.0;               // diurnal: seconds at which the rate rises through its mean
  std::vector<SpikeSpec> spikes;    // poisson and diurnal: scheduled bursts on top
  double burst_rate = 0.0;          // mmpp: requests per second in the burst state
  double calm_duration = 60.0;      // mmpp: mean seconds in the calm state
  double burst_duration = 10.0;     // mmpp: mean seconds in the burst state
  TraceSpec trace;                  // trace: the file to replay
};

// Work one request puts on a replica: exactly one of the two forms.
struct DemandSpec {
  // Service time of one request on one replica slot, independent of other
  // requests on the replica (the replica has max_concurrency independent slots).
  std::optional<DistributionSpec> service_time;
  // FLOP per request, split evenly over the replica's GPUs and executed on them;
  // concurrent requests on a replica share its GPUs (processor sharing).
  std::optional<DistributionSpec> flops;
};

struct LoadBalancerSpec {
  std::string policy = "round_robin";       // registered load-balancer name
  std::map<std::string, double> params;     // policy parameters by name
};

struct SloSpec {
  double latency_p99 = 0.0;  // seconds; 0 = no SLO
};

// How the replica count changes; `static` keeps the initial count.
struct AutoscalerSpec {
  std::string policy = "static";          // registered autoscaler name
  std::map<std::string, double> params;   // policy parameters by name
};

// What a new replica goes through before it serves: placement, then pulling
// the container image, then loading the weights over the network from the
// site's storage, then warming up.
struct ColdStartSpec {
  double placement_delay = 0.0;  // seconds from the decision to GPUs being assigned
  double image_pull = 0.0;       // seconds to pull the container image
  double weights_bytes = 0.0;    // bytes of model weights sent from storage to the replica's GPUs
  double warmup = 0.0;           // seconds after the weights arrive
  std::string model;             // the weights' name in node weight caches; empty = the service's name
};

// Requests that wait at the load balancer because no replica can take them
// (queue: balancer, or no replica ready, e.g. after scaling to zero).
struct BalancerQueueSpec {
  int capacity = 10000;  // waiting requests; an arrival beyond it is dropped
  double timeout = 60.0; // seconds a request may wait there before it is dropped; 0 = no limit
};

// Clients' handling of requests that a failed replica never answers.
struct RetrySpec {
  int attempts = 1;      // retries through the balancer; then the request counts as failed
  double timeout = 30.0; // seconds a client waits on a failed replica before giving up the attempt
};

// A large language model served with continuous batching (roofline model of
// prefill and decode on the replica's GPUs, tensor parallel over all of them).
struct LlmSpec {
  bool is_enabled = false;               // true when the service has an `llm:` section
  double parameters = 0.0;               // model parameters, e.g. 70e9
  double bytes_per_parameter = 2.0;      // 2 for BF16 weights, 1 for FP8
  int layers = 0;                        // transformer layers (0: give kv_bytes_per_token)
  int hidden_size = 0;                   // model dimension
  int attention_heads = 0;               // query heads
  int kv_heads = 0;                      // key/value heads (grouped-query attention); 0 = attention_heads
  double kv_bytes_per_element = 2.0;     // 2 for a BF16 KV cache
  double kv_bytes_per_token = 0.0;       // bytes of KV cache per token, when the architecture is not given
  int max_batch = 64;                    // requests prefilling or decoding at once per replica
  double compute_efficiency = 0.5;       // achieved fraction of peak FLOP/s
  double memory_efficiency = 0.8;        // achieved fraction of HBM bandwidth
  double memory_reserved_fraction = 0.1; // HBM kept for activations and fragmentation
  enum class Decode { fluid, iteration };
  Decode decode = Decode::fluid;         // fluid: few events per request; iteration: one per decode step
};

// Tokens per request when the arrivals do not carry them (traces do).
struct TokenSpec {
  DistributionSpec input{DistributionSpec::Kind::deterministic, 512.0, 0.0};   // prompt tokens
  DistributionSpec output{DistributionSpec::Kind::deterministic, 128.0, 0.0};  // generated tokens
};

// One site a service is deployed at (`services[].deployments`).
struct DeploymentSpec {
  std::string site;                   // site name, required
  std::optional<int> replicas;        // initial replicas there; default the service's `replicas`
  std::optional<int> min_replicas;    // the autoscaler's bounds there; default the service's
  std::optional<int> max_replicas;
};

// Users with their own arrivals and network distance to each site of the service.
struct UserPopulationSpec {
  std::string name;                          // unique within the service, required
  ArrivalSpec arrivals;                      // their requests
  std::map<std::string, double> latency;     // one-way seconds to each deployment's site
};

// How a deployed service's requests are spread over its sites.
struct RoutingSpec {
  std::string policy = "nearest";            // registered request router
  std::map<std::string, double> params;      // policy parameters
  double request_bytes = 4096;               // bytes of a request (billed as egress when it crosses sites)
  double response_bytes = 16384;             // bytes of a response
};

// A model-serving endpoint: replicas behind a load balancer, scaled by an autoscaler.
struct ServiceSpec {
  std::string name;                      // unique name, required
  std::string site;                      // site name; empty = first site
  int replicas = 1;                      // initial replicas (the count when the autoscaler is static), >= 0
  int gpus_per_replica = 1;              // GPUs of one node per replica, >= 1
  std::string gpu_type;                  // required GPU type; empty = the site's node GPU
  int max_concurrency = 1;               // requests one replica serves at once, >= 1
  enum class QueueLocation { replica, balancer };
  // replica: the balancer routes on arrival and each replica keeps an FCFS queue;
  // balancer: one FCFS queue at the balancer, routed when a replica slot frees.
  QueueLocation queue = QueueLocation::replica;
  ArrivalSpec arrivals;                  // request arrival process
  DemandSpec demand;                     // work per request
  LoadBalancerSpec load_balancer;        // routing policy
  SloSpec slo;                           // latency objective (reported, not enforced)
  AutoscalerSpec autoscaler;             // replica autoscaling policy
  ColdStartSpec cold_start;              // time for a new replica to become ready
  enum class Placement { pack, spread };
  Placement placement = Placement::pack; // pack: fullest node that fits; spread: emptiest node
  int priority = 0;                      // higher first when services compete for free GPUs
  int min_ready_replicas = 1;            // availability: time with at least this many healthy ready replicas
  BalancerQueueSpec balancer_queue;      // requests waiting at the balancer
  RetrySpec retry;                       // clients' retries of requests lost to a failed replica
  LlmSpec llm;                           // LLM service model (replaces service_time / flops)
  TokenSpec tokens;                      // tokens per request for the LLM model
  // Set by the loader for one site's deployment of a service with `deployments`:
  // its requests come from the routed service's users, not from `arrivals`.
  int routed_service = -1;               // index in ScenarioSpec::routed_services; -1 = not routed
  std::string key_path;                  // `services[i]` or `services[i].deployments[k]`, for messages
};

// A service deployed at several sites, with user populations routed between them.
// Its deployments are in ScenarioSpec::services, named `<name>@<site>`.
struct RoutedServiceSpec {
  std::string name;                      // the service's name
  std::vector<int> deployments;          // indices in ScenarioSpec::services, in deployment order
  std::vector<std::string> sites;        // the deployments' sites, same order
  std::vector<UserPopulationSpec> users;
  RoutingSpec routing;
  SloSpec slo;                           // end-to-end latency objective (network included)
};

// Properties every job has: from `jobs.defaults`, overridden per `jobs.list` item.
struct JobPropertiesSpec {
  int priority = 0;                   // higher first (priority policy); only higher priorities preempt
  bool is_preemptible = false;        // may be stopped and requeued
  enum class Locality { any, node, rack };
  Locality locality = Locality::any;  // node: one node; rack: one rack
  double compute_efficiency = 0.5;    // work jobs: fraction of peak FLOP/s achieved, (0, 1]
  double restart_overhead = 0.0;      // seconds before a preempted or failed job resumes (then it reads its checkpoint)
  int max_failure_retry = 6;          // restarts after hardware failures; the next failure fails the job
  double checkpoint_interval = 0.0;   // seconds of run time between checkpoints; 0 = none
  double checkpoint_bytes = 0.0;      // bytes of one checkpoint
};

// Data-parallel training work: iterations of compute then a ring all-reduce.
struct JobWorkSpec {
  double iterations = 1.0;            // >= 1
  double flops_per_iteration = 0.0;   // FLOP per iteration over all GPUs
  double allreduce_bytes = 0.0;       // bytes all-reduced per iteration
  int steps = 100;                    // the iterations run as at most this many simulated steps
};

// One stage of a DAG job: `tasks` identical tasks, each needing `gpus` GPUs
// for `duration`, started once every stage it comes `after` has finished.
struct JobStageSpec {
  std::string name;                   // unique within the job, required
  int tasks = 1;                      // >= 1
  int gpus = 1;                       // per task (a gang), >= 1
  double duration = 0.0;              // seconds per task alone on its GPUs, > 0
  std::vector<std::string> after;     // stages that must finish first
  double output_bytes = 0.0;          // per task, shuffled to every downstream stage
};

// One job (or `count` identical ones) written in the scenario.
struct JobSpec {
  std::string name;                   // unique, required
  int count = 1;                      // copies: name-0, name-1, ...
  double submit = 0.0;                // seconds
  int gpus = 1;                       // gang size
  int gpu_milli = 1000;               // share of each GPU (1..1000)
  std::string gpu_type;               // required GPU type; "" = any of the site
  std::optional<double> duration;     // seconds alone on its GPUs; or
  std::optional<JobWorkSpec> work;    // iterations of compute and all-reduce; or
  std::vector<JobStageSpec> stages;   // a DAG of stages of tasks
  std::optional<double> estimate;     // runtime estimate for schedulers; default from duration or work
  JobPropertiesSpec properties;
};

// A GPU cluster job trace to replay.
struct JobTraceSpec {
  std::string format;                 // philly_csv | alibaba_openb | helios_csv
  std::string path;                   // relative to the scenario file's folder
  double time_scale = 1.0;            // multiplies submission times
  std::int64_t max_jobs = 0;          // 0 = all
};

struct SyntheticJobsSpec {
  std::int64_t count = 0;             // jobs generated
  double rate = 0.0;                  // submissions per second (Poisson)
  std::vector<std::pair<int, double>> gpu_mix{{1, 1.0}};  // (GPUs, weight)
  DistributionSpec duration{DistributionSpec::Kind::deterministic, 3600.0, 0.0};
};

struct JobsSpec {
  bool is_enabled = false;            // true when the scenario has a `jobs:` section
  std::string site;                   // site of the jobs; "" = first site
  std::string queue_policy = "fifo";
  std::map<std::string, double> queue_params;
  std::string placement_policy = "first_fit";
  std::map<std::string, double> placement_params;
  double estimate_factor = 1.0;       // estimates = true remaining time x this
  JobPropertiesSpec defaults;         // for trace and synthetic jobs, and unset list fields
  std::vector<JobSpec> list;
  std::optional<JobTraceSpec> trace;
  std::optional<SyntheticJobsSpec> synthetic;
};

// A class of failures: which components break, how often and for how long.
// Every component of the class fails and is repaired independently (a
// two-state process per component and class).
struct FailureClassSpec {
  std::string name;                    // unique; default: the component name
  std::string component;               // gpu | node | nic | link | leaf_switch | spine_switch |
                                       // aggregation_switch | core_switch | border_router | pdu | site
  DistributionSpec time_to_failure{DistributionSpec::Kind::exponential, 0.0, 0.0};  // from each repair
  DistributionSpec repair{DistributionSpec::Kind::deterministic, 4 * 3600.0, 0.0};   // time to repair
  std::string site;                    // only this site's components; "" = every site
  std::vector<std::string> components; // only these components (topology names); empty = all of the kind
  double notice = 0.0;                 // > 0: spot capacity, reclaimed this many seconds after a notice
  std::optional<Purchase> purchase;    // only GPUs, nodes and NICs of nodes paid for this way; nullopt = all
};

// Standby nodes that take over the capacity of failed ones.
struct SparesSpec {
  int nodes = 0;                       // the last `nodes` nodes of the site stand by
  std::string site;                    // "" = the first site
  double activation = 300.0;           // seconds from a detected failure until a spare serves
  double standby_price = 1.0;          // fraction of the node price paid while standing by
};

struct FailuresSpec {
  bool is_enabled = false;             // true when the scenario has a `failures:` section
  SparesSpec spares;                   // failover pool
  std::vector<FailureClassSpec> classes;
  std::string trace_path;              // failure trace CSV, relative to the scenario file; "" = none
  double check_period = 10.0;          // seconds between health checks
  double detection_delay = 30.0;       // seconds from the first health check after a failure to its detection
};

// A data object (a dataset, model weights, checkpoints) split into chunks.
struct DataObjectSpec {
  std::string name;                // unique, required
  double size = 0.0;               // bytes of one copy of the object, > 0
  double chunk = 256e6;            // bytes per chunk (the last one may be smaller)
  int count = 1;                   // identical objects: name-0, name-1, ...
};

// How lost pieces are rebuilt.
struct DataRepairSpec {
  enum class Target { survivors, replacement };
  // survivors: rebuilt on other disks chosen by the placement policy (HDFS, Ceph);
  // replacement: rebuilt on the failed disk once it is repaired (RAID-like).
  Target target = Target::survivors;
  // survivors: time from a failure until its pieces are declared lost and rebuilt
  // (Ceph mon_osd_down_out_interval, 600 s); a node back sooner keeps its data.
  DistributionSpec delay{DistributionSpec::Kind::deterministic, 600.0, 0.0};
  double bandwidth = 0.0;          // bytes/s of repair traffic over the whole storage, 0 = unlimited
  int parallelism = 64;            // pieces rebuilt at once, >= 1
};

// Quorum reads and writes of small replicated keys (metadata, checkpoint
// manifests) on the storage nodes: N replicas, write quorum W, read quorum R.
struct QuorumSpec {
  bool is_enabled = false;         // true when `data.quorum` is given
  int replicas = 3;                // N, on distinct storage nodes
  int write_quorum = 2;            // W
  int read_quorum = 2;             // R
  int keys = 1000;                 // keys, chosen uniformly by each operation
  double value_size = 4096;        // bytes written or read per replica
  double write_rate = 0.0;         // writes per second (Poisson)
  double read_rate = 0.0;          // reads per second (Poisson)
  // Time a replica takes to apply a write or read a value once it has the request (disk, software).
  DistributionSpec service_time{DistributionSpec::Kind::exponential, 1e-3, 0.0};
};

// Scheduled backups of the data (see BackupPlan), and where lost chunks are restored from.
struct BackupSpec {
  bool is_enabled = false;            // true when `data.backup` is given
  double full_every = 7 * 86400.0;    // seconds between full backups
  double incremental_every = 86400.0; // seconds between incremental backups; 0 = none
  double change_rate = 0.02;          // fraction of the data changed per day
  std::string destination = "local";  // `local` (the site's backup store) or another site's name (over the WAN)
};

struct DataSpec {
  bool is_enabled = false;         // true when the scenario has a `data:` section
  std::string site;                // site whose storage nodes hold the data; "" = the first site
  std::vector<DataObjectSpec> objects;
  std::string redundancy_policy = "replication";       // registered redundancy scheme
  std::map<std::string, double> redundancy_params;     // e.g. factor: 3
  std::string placement_policy = "rack_aware";         // registered data placement policy
  std::map<std::string, double> placement_params;
  DataRepairSpec repair;
  QuorumSpec quorum;
  BackupSpec backup;
  double price_per_gb_month = 0.0; // USD per GB (1e9 bytes) stored per month (730 h), raw bytes incl. redundancy
};

// The policy that grows and shrinks the node pools (used when a site has pools).
struct NodeAutoscalerSpec {
  std::string policy = "cluster_autoscaler";  // registered node autoscaler
  std::map<std::string, double> params;        // policy parameters by name
};

// Prices that replace or add to the catalogue's for one node shape.
struct NodePriceSpec {
  std::string node;                       // node shape name
  std::map<Purchase, double> per_hour;    // USD per node-hour by rented purchase type
  std::optional<double> purchase_price;   // owned: USD per node
  std::optional<double> lifetime;         // owned: seconds over which the purchase is amortised
};

// Money: where node prices come from and how nodes are bought; electricity.
struct CostSpec {
  std::string provider = "catalog";       // price list in data/prices.yaml; "catalog" = the node shapes' on-demand prices
  PurchaseMix purchase{{Purchase::on_demand, 1.0}};  // default shares of every site's nodes
  std::optional<double> egress_per_gb;    // USD per GB sent from one site to another; default: the provider's, else 0
  std::vector<NodePriceSpec> prices;      // overrides of catalogue prices
  EnergySpec energy;                      // defaults for every site's `energy`
};

// Whether runs write per-node time series (see `node_series` in the reference).
enum class NodeSeries { automatic, on, off };
inline constexpr int kNodeSeriesAutomaticMaxNodes = 64;

struct ScenarioSpec {
  std::string name = "unnamed";     // scenario name, used in reports
  std::uint64_t seed = 1;           // root seed of every random stream
  double duration = 3600.0;         // simulated seconds; arrivals stop at this time
  double warmup = 0.0;              // seconds; requests arriving earlier are not in latency statistics
  double sample_interval = 60.0;    // seconds between time-series samples, > 0
  NodeSeries node_series = NodeSeries::automatic;  // per-node series in the report
  PlatformSpec platform;            // hardware
  std::vector<ServiceSpec> services; // inference services (one per site of a deployed service)
  std::vector<RoutedServiceSpec> routed_services;  // services deployed at several sites
  JobsSpec jobs;                    // training and batch jobs
  FailuresSpec failures;            // failure processes, detection and repair
  DataSpec data;                    // stored data, redundancy and repair
  CostSpec cost;                    // prices and electricity
  NodeAutoscalerSpec node_autoscaler;  // grows and shrinks the sites' node pools
  HardwareCatalog catalog;          // built-in catalogue plus the scenario's `catalog:` overrides

  // Provenance, filled by the loader (not YAML keys).
  std::string source_path;          // file the scenario came from
  std::string source_text;          // the YAML text after --set overrides
  std::map<std::string, std::string> parameters;  // flattened key path -> value of the resolved YAML
  std::map<std::string, std::pair<int, int>> key_locations;  // key path -> (line, column) in source_path
};

}  // namespace leptonsim
