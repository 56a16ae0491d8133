// Money and energy through the whole simulator, against hand computation:
// node-hours x price by purchase type, owned nodes amortised, electricity at
// a time-of-day tariff, a fully loaded GPU drawing its maximum power x PUE.
#include "ScenarioRun.hpp"

#include <catch2/catch.hpp>
#include <map>

using namespace leptonsim;
using namespace leptonsim::testing;

namespace {

const TimeSeries& series(const RunResult& result, const std::string& name, const std::string& entity = "") {
  for (const TimeSeries& s : result.timeseries)
    if (s.series == name && s.entity == entity) return s;
  FAIL("no series " << name << " " << entity);
  throw std::logic_error("unreachable");
}

constexpr double kCent = 0.005;
constexpr double kJoule = 1.0 / 3.6e6;  // in kWh

}  // namespace

TEST_CASE("a fixed cluster costs each node's price times the run time, to the cent", "[cost]") {
  // Four GCP nodes (2 reserved 1 year, 1 on demand, 1 spot; data/prices.yaml)
  // and two owned nodes for 10 hours. The owned nodes are idle: each draws the
  // DGX H100's host power (4.6 kW) plus 8 idle GPUs (70 W), x PUE 1.5, paid at $0.10/kWh.
  const RunResult result = run_with_files(R"(
name: fixed-cost
duration: 10h
sample_interval: 1h
platform:
  sites:
    - {name: cloud, racks: 1, nodes_per_rack: 4, provider: gcp, purchase: {reserved_1y: 0.5, on_demand: 0.25, spot: 0.25}}
    - {name: colo, racks: 1, nodes_per_rack: 2, purchase: {owned: 1}}
  wan: [{between: [cloud, colo]}]
cost:
  energy: {price: $0.10/kWh, pue: 1.5, carbon_intensity: 400g/kWh}
)");
  const double reserved = 2 * 61.38 * 10, on_demand = 88.49 * 10, spot = 35.3957 * 10;
  const double owned = 2 * 310000.0 / (5 * 8760) * 10;
  const double node_idle_watts = 4600 + 8 * 70;
  const double facility_kwh = 6 * node_idle_watts * 10 / 1000 * 1.5;
  const double owned_energy_cost = 2 * node_idle_watts * 10 / 1000 * 1.5 * 0.10;
  CHECK(metric(result, "cost.compute.reserved_1y") == Approx(reserved).margin(kCent));
  CHECK(metric(result, "cost.compute.on_demand") == Approx(on_demand).margin(kCent));
  CHECK(metric(result, "cost.compute.spot") == Approx(spot).margin(kCent));
  CHECK(metric(result, "cost.compute.owned") == Approx(owned).margin(kCent));
  CHECK(metric(result, "cost.compute.reserved_3y") == 0.0);
  CHECK(metric(result, "cost.energy") == Approx(owned_energy_cost).margin(kCent));
  const double total = reserved + on_demand + spot + owned + owned_energy_cost;
  CHECK(metric(result, "cost.total") == Approx(total).margin(kCent));
  CHECK(metric(result, "cost.per_hour") == Approx(total / 10).margin(kCent));
  CHECK(metric(result, "cost.node_hours") == Approx(60));
  CHECK(metric(result, "energy.facility_kwh") == Approx(facility_kwh).margin(kJoule));
  CHECK(metric(result, "energy.it_kwh") == Approx(facility_kwh / 1.5).margin(kJoule));
  CHECK(metric(result, "carbon.kg") == Approx(facility_kwh * 0.4).epsilon(1e-12));
  // The series end at the totals and grow linearly (the same cost every hour).
  const TimeSeries& cumulative = series(result, "cost.cumulative");
  REQUIRE(cumulative.value.size() == 10);
  CHECK(cumulative.value.back() == Approx(total).margin(kCent));
  CHECK(cumulative.value.front() == Approx(total / 10).margin(kCent));
  CHECK(series(result, "cost.rate").value[4] == Approx(total / 10).margin(kCent));
  CHECK(series(result, "cost.by_category", "compute.spot").value.back() == Approx(spot).margin(kCent));
  CHECK(series(result, "energy.power").value[3] == Approx(6 * node_idle_watts * 1.5 / 1000).epsilon(1e-12));
  CHECK(series(result, "carbon.cumulative").value.back() == Approx(facility_kwh * 0.4).epsilon(1e-12));
}

TEST_CASE("a fully loaded GPU draws its maximum power x PUE, paid at a time-of-day tariff", "[cost]") {
  // One owned node with one H100 (700 W at full load, data/gpus.yaml) and no
  // host power, kept busy for a day by a job; electricity 0.30 USD/kWh from 17h
  // to 21h and 0.10 otherwise, PUE 1.25, 400 g CO2e/kWh. A second, idle node
  // draws the idle power (70 W) only.
  const RunResult result = run_with_files(R"(
name: loaded-gpu
duration: 24h
sample_interval: 1h
platform:
  sites:
    - {name: dc, racks: 1, nodes_per_rack: 2, node: h100x1, purchase: {owned: 1}}
catalog:
  node_shapes:
    - {name: h100x1, gpu: H100-SXM, gpus: 1, cpu_cores: 8, cpu: 1TFLOPS, nic: 100Gbps, pcie: 64GBps, price: $4/h,
       base_power: 0W, off_power: 0W}
cost:
  prices: [{node: h100x1, purchase_price: $43800, lifetime: 5y}]
  energy:
    price: $0.10/kWh
    pue: 1.25
    carbon_intensity: 400g/kWh
    tariff: [{from: 17h, to: 21h, price: $0.30/kWh}]
jobs:
  placement: {policy: first_fit}
  list: [{name: train, gpus: 1, duration: 48h}]
)");
  const double t = 86400.0;
  const double busy_joules = 700.0 * t * 1.25, idle_joules = 70.0 * t * 1.25;
  CHECK(metric(result, "energy.facility_kwh") == Approx((busy_joules + idle_joules) / 3.6e6).margin(kJoule));
  CHECK(metric(result, "energy.gpu_kwh") == Approx((700.0 + 70.0) * t / 3.6e6).margin(kJoule));
  // Per kWh-hour: the busy node 0.875 kW, the idle one 0.0875 kW; 4 h at 0.30, 20 h at 0.10.
  const double kw = (700.0 + 70.0) * 1.25 / 1000;
  CHECK(metric(result, "cost.energy") == Approx(kw * (4 * 0.30 + 20 * 0.10)).margin(kCent));
  CHECK(metric(result, "carbon.kg") == Approx((busy_joules + idle_joules) / 3.6e6 * 0.4).epsilon(1e-12));
  // $43,800 over 5 x 8,760 h = $1 per node-hour.
  CHECK(metric(result, "cost.compute.owned") == Approx(2 * 24.0).margin(kCent));
  CHECK(metric(result, "cost.per_busy_gpu_hour") ==
        Approx((48.0 + kw * (4 * 0.30 + 20 * 0.10)) / 24.0).margin(kCent));
  // The power series: the same every hour.
  const TimeSeries& power = series(result, "energy.power");
  REQUIRE(power.value.size() == 24);
  for (double kw_in_hour : power.value) CHECK(kw_in_hour == Approx(kw).epsilon(1e-12));
}

TEST_CASE("the simulator's energy equals SimGrid's host energy plugin for work run as executions", "[cost]") {
  // Time-demand replicas (each slot an execution bounded to its share of the GPUs)
  // and FLOP-demand replicas (processor sharing), autoscaled: the plugin
  // integrates the GPU hosts' power from their load, the simulator from its
  // busy accounting; both use idle + load x (max - idle) per GPU.
  TempDir dir;
  write_file(dir / "s.yaml", R"(
name: plugin-check
duration: 2h
sample_interval: 10min
platform:
  sites:
    - {name: dc, racks: 1, nodes_per_rack: 2, node: h100x8, storage: {racks: 1, nodes_per_rack: 1}}
services:
  - name: api
    replicas: 3
    gpus_per_replica: 2
    max_concurrency: 4
    arrivals: {process: diurnal, rate: 2/s, peak_to_trough: 3, period: 2h}
    service_time: {lognormal: {mean: 3s, sigma: 0.5}}
    autoscaler: {policy: hpa, metric: 0, target: 0.6, min_replicas: 1, max_replicas: 8}
  - name: batch
    replicas: 1
    gpus_per_replica: 4
    max_concurrency: 2
    arrivals: {rate: 0.1/s}
    flops: {exponential: {mean: 2e16FLOP}}
)");
  const CliResult ran = run_leptonsim(
      {"run", (dir / "s.yaml").string(), "-o", (dir / "r.db").string(), "-q", "--simgrid-energy"}, dir);
  INFO(ran.err);
  REQUIRE(ran.exit_code == 0);
  CHECK(ran.err.find("No energetic profiles") == std::string::npos);
  const RunResult result = ReportReader((dir / "r.db").string()).load(1);
  const double ours = metric(result, "energy.it_kwh");
  CHECK(ours > 2 * 5.16 * 2);  // more than two idle nodes for 2 h
  CHECK(metric(result, "energy.simgrid_plugin_it_kwh") == Approx(ours).epsilon(1e-9));
}
