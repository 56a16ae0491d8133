// Golden tests of the replica autoscalers: decision sequences computed by hand
// from each policy's documented rules (Kubernetes HPA, Knative KPA, Lepton,
// step scaling, predictive). Every table row shows its arithmetic.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "RegisterAllPolicies.hpp"
#include "autoscaling/HoltWintersForecaster.hpp"
#include "autoscaling/KnativePodAutoscaler.hpp"
#include "autoscaling/PredictiveAutoscaler.hpp"
#include "autoscaling/WeightedMovingAverageForecaster.hpp"

using namespace leptonsim;

namespace {

std::unique_ptr<ReplicaAutoscaler> make_autoscaler(const std::string& name,
                                                   const std::map<std::string, double>& params = {}) {
  return policy_registries().autoscalers.make(name, params);
}

// A service observed with `ready` replicas at `utilization`, nothing starting.
AutoscalerObservation utilization_observation(double now, int desired, int ready, double utilization,
                                              int starting = 0) {
  AutoscalerObservation observation;
  observation.now = now;
  observation.desired_replicas = desired;
  observation.ready_replicas = ready;
  observation.starting_replicas = starting;
  observation.gpu_utilization = utilization;
  return observation;
}

// A service observed with a total concurrency (the KPA's metric).
AutoscalerObservation concurrency_observation(double now, int desired, int ready, double total_concurrency) {
  AutoscalerObservation observation;
  observation.now = now;
  observation.desired_replicas = desired;
  observation.ready_replicas = ready;
  observation.total_concurrency = total_concurrency;
  observation.concurrency = ready > 0 ? total_concurrency / ready : total_concurrency;
  return observation;
}

}  // namespace

// ---- Kubernetes HPA ----------------------------------------------------------

TEST_CASE("hpa: desired = ceil(ready x metric / target) outside the tolerance band", "[autoscaler]") {
  struct Row {
    int ready;
    double utilization;
    int expected;
  };
  // target 0.7, tolerance 0.1; each row is a first decision (no stabilisation history).
  const std::vector<Row> rows = {
      {4, 0.90, 6},    // ratio 0.9/0.7 = 1.2857 -> ceil(4 x 1.2857 = 5.14) = 6 (limit max(8, 8) = 8)
      {4, 0.75, 4},    // ratio 1.0714: |0.0714| <= 0.1 -> keep 4
      {4, 0.77, 4},    // ratio 1.1000: on the band's edge -> keep 4
      {4, 0.63, 4},    // ratio 0.9000: on the band's edge -> keep 4
      {10, 0.62, 9},   // ratio 0.8857 -> ceil(10 x 0.8857 = 8.857) = 9
      {10, 0.35, 5},   // ratio 0.5 -> ceil(5.0) = 5
      {3, 0.98, 5},    // ratio 1.4 -> ceil(4.2) = 5
      {8, 1.00, 10},   // ratio 1.4286 -> ceil(11.43) = 12, clamped to max_replicas 10
  };
  for (const Row& row : rows) {
    auto hpa = make_autoscaler("hpa");
    const ScalingDecision decision = hpa->decide(utilization_observation(0.0, row.ready, row.ready, row.utilization));
    INFO("ready " << row.ready << " utilization " << row.utilization << ": " << decision.reason);
    CHECK(decision.desired_replicas == row.expected);
  }
  auto hpa = make_autoscaler("hpa");
  CHECK(hpa->period() == 15.0);
  const ScalingDecision decision = hpa->decide(utilization_observation(0.0, 4, 4, 0.9));
  CHECK_THAT(decision.reason, Catch::StartsWith("hpa: utilization 0.90 vs target 0.70 (ratio 1.29)") &&
                                  Catch::EndsWith("-> 6"));
}

TEST_CASE("hpa: concurrency and requests-per-second metrics", "[autoscaler]") {
  // metric 1: concurrency per ready replica, target 10: 4 ready at 17 each -> ratio 1.7 -> ceil(6.8) = 7.
  auto by_concurrency = make_autoscaler("hpa", {{"metric", 1}, {"target", 10}});
  AutoscalerObservation observation = concurrency_observation(0.0, 4, 4, 68.0);
  CHECK(by_concurrency->decide(observation).desired_replicas == 7);

  // metric 2: requests per second per ready replica, target 5: 40 req/s over 4 ready = 10 -> ratio 2 -> 8
  // (scale-up limit from 4: max(ceil(4 x 2) = 8, 4 + 4 = 8) = 8).
  auto by_rate = make_autoscaler("hpa", {{"metric", 2}, {"target", 5}});
  observation = utilization_observation(0.0, 4, 4, 0.0);
  observation.request_rate = 40.0;
  CHECK(by_rate->decide(observation).desired_replicas == 8);

  // Scale from zero (min_replicas 0, no replica at all): the concurrency waiting at the balancer is
  // measured service-wide, ceil(25 / 10) = 3; the limit from 0 is max(ceil(0 x 2), 0 + 4) = 4.
  auto from_zero = make_autoscaler("hpa", {{"metric", 1}, {"target", 10}, {"min_replicas", 0}});
  observation = concurrency_observation(0.0, 0, 0, 25.0);
  CHECK(from_zero->decide(observation).desired_replicas == 3);
  // With no traffic it stays at zero; on utilization nothing is measured at zero, so it stays too.
  CHECK(from_zero->decide(concurrency_observation(15.0, 0, 0, 0.0)).desired_replicas == 0);
  auto utilization_at_zero = make_autoscaler("hpa", {{"min_replicas", 0}});
  CHECK(utilization_at_zero->decide(utilization_observation(0.0, 0, 0, 0.0)).desired_replicas == 0);
}

TEST_CASE("hpa: scale-up limited to max(100 %, 4 replicas) per 15 s", "[autoscaler]") {
  // target 0.1 and utilization 1.0 give ratio 10.
  auto hpa = make_autoscaler("hpa", {{"target", 0.1}, {"max_replicas", 1000}});
  // t=0: 2 ready -> ceil(2 x 10) = 20; limit max(ceil(2 x 2) = 4, 2 + 4 = 6) = 6.
  CHECK(hpa->decide(utilization_observation(0.0, 2, 2, 1.0)).desired_replicas == 6);
  // t=15: 2 ready at 1.0 and 4 starting (counted at 0 %): ratio 2.0 / (6 x 0.1) = 3.33 -> ceil(6 x 3.33) = 20;
  // the t=0 change is 15 s old, outside the (0, 15] period: start 6 -> limit max(12, 10) = 12.
  CHECK(hpa->decide(utilization_observation(15.0, 6, 2, 1.0, 4)).desired_replicas == 12);
  // t=30: 6 ready at 1.0, 6 starting: ratio 6 / 1.2 = 5 -> 60; start 12 -> limit max(24, 16) = 24.
  CHECK(hpa->decide(utilization_observation(30.0, 12, 6, 1.0, 6)).desired_replicas == 24);

  // A faster sync (5 s) against the same 15 s policy period: the replicas added count until they age out.
  auto fast = make_autoscaler("hpa", {{"target", 0.1}, {"max_replicas", 1000}, {"period", 5}});
  CHECK(fast->decide(utilization_observation(0.0, 2, 2, 1.0)).desired_replicas == 6);      // 2 -> 6
  CHECK(fast->decide(utilization_observation(5.0, 6, 2, 1.0, 4)).desired_replicas == 6);   // start 6-4 = 2: limit 6
  CHECK(fast->decide(utilization_observation(10.0, 6, 2, 1.0, 4)).desired_replicas == 6);  // still within 15 s
  CHECK(fast->decide(utilization_observation(15.0, 6, 2, 1.0, 4)).desired_replicas == 12); // aged out: start 6

  // Only the Pods policy (percent 0): +4 per period.
  auto by_pods = make_autoscaler("hpa", {{"target", 0.1}, {"max_replicas", 1000}, {"scale_up_limit_percent", 0}});
  CHECK(by_pods->decide(utilization_observation(0.0, 10, 10, 1.0)).desired_replicas == 14);  // max(10, 10 + 4)
}

TEST_CASE("hpa: scale-down stabilisation keeps the highest recommendation of the last 300 s", "[autoscaler]") {
  auto hpa = make_autoscaler("hpa");
  struct Row {
    double time;
    int ready;          // = the count in force (replicas become ready at once in this table)
    double utilization;
    int expected;
  };
  std::vector<Row> rows;
  rows.push_back({0, 4, 0.90, 6});  // ratio 1.2857 -> 6 (recommendation 6 at t=0)
  // t=15..135: 6 ready at 0.35 -> ratio 0.5 -> recommendation 3; the window (t-300, t] holds 6 -> keep 6.
  for (double t = 15; t <= 135; t += 15) rows.push_back({t, 6, 0.35, 6});
  rows.push_back({150, 6, 0.56, 6});  // ratio 0.8 -> ceil(4.8) = 5 recommended at t=150; window max 6
  for (double t = 165; t <= 285; t += 15) rows.push_back({t, 6, 0.35, 6});
  // t=300: the t=0 recommendation is exactly 300 s old and leaves the window: max(5 at t=150, 3s) = 5.
  rows.push_back({300, 6, 0.35, 5});
  // t=315..435: 5 ready at 0.42 -> ratio 0.6 -> ceil(3.0) = 3; t=150's 5 is still inside -> 5.
  for (double t = 315; t <= 435; t += 15) rows.push_back({t, 5, 0.42, 5});
  rows.push_back({450, 5, 0.42, 3});  // t=150 leaves the window: every recommendation since is 3 -> 3
  rows.push_back({465, 3, 0.70, 3});  // ratio 1.0 -> keep 3
  for (const Row& row : rows) {
    const ScalingDecision decision =
        hpa->decide(utilization_observation(row.time, row.ready, row.ready, row.utilization));
    INFO("t=" << row.time << ": " << decision.reason);
    CHECK(decision.desired_replicas == row.expected);
  }

  // Without a window the same drop is immediate: ratio 0.5 -> 3 at once (scale-down limit 100 % per 15 s).
  auto immediate = make_autoscaler("hpa", {{"scale_down_stabilization", 0}});
  CHECK(immediate->decide(utilization_observation(0.0, 6, 6, 0.35)).desired_replicas == 3);
  // A 50 % scale-down limit: 8 -> recommendation ceil(8 x 0.1/0.7 = 1.14) = 2, limited to floor(8 x 0.5) = 4.
  auto halving = make_autoscaler("hpa", {{"scale_down_stabilization", 0}, {"scale_down_limit_percent", 50}});
  CHECK(halving->decide(utilization_observation(0.0, 8, 8, 0.1)).desired_replicas == 4);
  CHECK(halving->decide(utilization_observation(15.0, 4, 4, 0.2)).desired_replicas == 2);  // ceil(1.14)=2 >= 2
}

TEST_CASE("hpa: starting replicas count as 0 % on scale-up and are ignored on scale-down", "[autoscaler]") {
  struct Row {
    const char* what;
    int desired;
    int ready;
    int starting;
    double utilization;
    int expected;
  };
  const std::vector<Row> rows = {
      // ratio 0.9/0.7 = 1.2857 > 1, so the starting replica is counted at 0 %:
      // 3.6 / (5 x 0.7) = 1.0286, inside the tolerance -> keep 5 (ready alone would give ceil(5.14) = 6).
      {"one starting damps a scale-up into the band", 5, 4, 1, 0.90, 5},
      // ratio 0.8/0.7 = 1.143 > 1; with the 3 starting at 0 %: 3.2 / 4.9 = 0.653 < 1 reverses direction
      // -> keep 7 (ready alone would give ceil(4.57) = 5 and cut the replicas that are still starting).
      {"starting replicas are not cut while the load is above target", 7, 4, 3, 0.80, 7},
      // ratio 1.4286; with 1 starting at 0 %: 4.0 / 3.5 = 1.1429 -> ceil(5 x 1.1429 = 5.71) = 6.
      {"scale-up with the starting replica at 0 %", 5, 4, 1, 1.00, 6},
      // ratio 0.35/0.7 = 0.5 < 1: starting replicas are ignored -> ceil(4 x 0.5) = 2.
      {"starting replicas ignored on scale-down", 6, 4, 2, 0.35, 2},
      // 4 in force but only 2 placed and ready (2 pending, no metric): ratio 1.4286 -> pending at 0:
      // 2.0 / (4 x 0.7) = 0.714 reverses direction -> keep 4 (never shrink because placement lags).
      {"pending replicas keep the count while the load is high", 4, 2, 0, 1.00, 4},
  };
  for (const Row& row : rows) {
    auto hpa = make_autoscaler("hpa", {{"scale_down_stabilization", 0}});
    const ScalingDecision decision =
        hpa->decide(utilization_observation(0.0, row.desired, row.ready, row.utilization, row.starting));
    INFO(row.what << ": " << decision.reason);
    CHECK(decision.desired_replicas == row.expected);
  }

  // Concurrency metric: a cold-starting replica reports nothing yet, so it counts like a missing metric:
  // at the target on scale-down. Target 10; 2 ready at 3 each, 2 starting: ratio 0.3 ->
  // (6 + 2 x 10) / (4 x 10) = 0.65 -> ceil(4 x 0.65 = 2.6) = 3 (ready alone would give ceil(0.6) = 1).
  auto hpa = make_autoscaler("hpa", {{"metric", 1}, {"target", 10}, {"scale_down_stabilization", 0}});
  AutoscalerObservation observation = concurrency_observation(0.0, 4, 2, 6.0);
  observation.starting_replicas = 2;
  CHECK(hpa->decide(observation).desired_replicas == 3);

  // No ready replica yet (all starting): nothing is measured, the count is kept.
  auto waiting = make_autoscaler("hpa");
  CHECK(waiting->decide(utilization_observation(0.0, 3, 0, 0.0, 3)).desired_replicas == 3);
}

TEST_CASE("hpa: a count in force outside [min, max] goes to the bound", "[autoscaler]") {
  auto hpa = make_autoscaler("hpa", {{"min_replicas", 2}, {"max_replicas", 5}});
  CHECK(hpa->decide(utilization_observation(0.0, 0, 0, 0.0)).desired_replicas == 2);
  CHECK(hpa->decide(utilization_observation(15.0, 9, 9, 0.9)).desired_replicas == 5);
  // In range with low load: ceil(2 x 0.1/0.7 = 0.29) = 1, clamped to min 2.
  auto low = make_autoscaler("hpa", {{"min_replicas", 2}, {"max_replicas", 5}});
  CHECK(low->decide(utilization_observation(0.0, 2, 2, 0.1)).desired_replicas == 2);
}

// ---- Knative KPA ---------------------------------------------------------------

TEST_CASE("kpa: stable mode follows the 60 s mean of total concurrency", "[autoscaler]") {
  // Target per replica 100 x 0.7 = 70. Ticks every 2 s; 4 ready throughout (an observed input here).
  // Concurrency 280 for t=2..10, then 420. Stable window (t-60, t], panic window (t-6, t].
  auto kpa = make_autoscaler("kpa", {{"max_replicas", 100}});
  CHECK(kpa->period() == 2.0);
  struct Row {
    double time;
    double concurrency;
    int expected;
  };
  const std::vector<Row> rows = {
      {2, 280, 4},   // 280/70 = 4
      {4, 280, 4},  {6, 280, 4}, {8, 280, 4}, {10, 280, 4},
      {12, 420, 5},  // stable (5x280 + 420)/6 = 303.3 -> ceil(4.33) = 5; panic (280+280+420)/3 = 326.7 -> 5, 5/4 < 2
      {14, 420, 5},  // (1400 + 2x420)/7 = 320 -> ceil(4.57) = 5
      {16, 420, 5},  // 2660/8 = 332.5 -> ceil(4.75) = 5
      {18, 420, 5},  // 3080/9 = 342.2 -> ceil(4.89) = 5
      {20, 420, 5},  // 3500/10 = 350 -> 350/70 = 5 exactly -> 5
      {22, 420, 6},  // 3920/11 = 356.4 -> ceil(5.09) = 6
      {24, 420, 6},
  };
  for (const Row& row : rows) {
    const ScalingDecision decision = kpa->decide(concurrency_observation(row.time, 4, 4, row.concurrency));
    INFO("t=" << row.time << ": " << decision.reason);
    CHECK(decision.desired_replicas == row.expected);
  }
}

TEST_CASE("kpa: panic on a burst, no scale-down in panic, leave after a stable window", "[autoscaler]") {
  auto kpa_owner = make_autoscaler("kpa", {{"max_replicas", 100}});
  auto& kpa = dynamic_cast<KnativePodAutoscaler&>(*kpa_owner);
  // Replicas become ready at once: ready(t) = decision(t - 2). Start with 2.
  // Concurrency: 100 for t <= 20, 400 for t = 22..26, 50 from t = 28.
  auto concurrency_at = [](double t) { return t <= 20 ? 100.0 : (t <= 26 ? 400.0 : 50.0); };
  std::map<double, int> expected = {
      {20, 2},   // stable 100/70 -> 2; panic 100/70 -> 2, 2/2 = 1 < 2
      {22, 2},   // panic (100+100+400)/3 = 200 -> ceil(2.86) = 3, 3/2 = 1.5 < 2; stable 1400/11 = 127.3 -> 2
      {24, 5},   // panic (100+400+400)/3 = 300 -> ceil(4.29) = 5, 5/2 = 2.5 >= 2: PANIC; stable 1800/12 = 150 -> 3;
                 // max(3, 5) = 5
      {26, 6},   // ready 5; panic 400 -> ceil(5.71) = 6 (6/5 = 1.2, no new trigger); in panic: max(3, 6) = 6
      {28, 6},   // ready 6; panic (400+400+50)/3 = 283.3 -> 5; stable 2250/14 = 160.7 -> 3; no scale-down in panic
      {30, 6},   // panic (400+50+50)/3 = 166.7 -> 3: still 6
      {84, 6},   // last trigger at t=24: 84 - 24 = 60 is not more than the 60 s window -> still panicking
      {86, 3},   // 86 - 24 > 60: leave panic; stable window (26, 86] = 30 ticks of 50 -> ceil(0.71) = 1,
                 // but at most halved per tick (max_scale_down_rate 2): floor(6 / 2) = 3
      {88, 1},   // ready 3: floor(3/2) = 1 -> 1
      {90, 1},
  };
  int in_force = 2;
  for (double t = 2; t <= 90; t += 2) {
    const ScalingDecision decision = kpa.decide(concurrency_observation(t, in_force, in_force, concurrency_at(t)));
    INFO("t=" << t << ": " << decision.reason);
    if (auto it = expected.find(t); it != expected.end()) CHECK(decision.desired_replicas == it->second);
    if (t >= 24 && t <= 84) CHECK(kpa.is_in_panic());
    if (t < 24 || t >= 86) CHECK_FALSE(kpa.is_in_panic());
    if (t >= 26 && t <= 84) CHECK(decision.desired_replicas == 6);  // never below 6 while panicking
    in_force = decision.desired_replicas;
  }
}

TEST_CASE("kpa: scale to zero after a stable window without traffic plus the grace period", "[autoscaler]") {
  auto kpa = make_autoscaler("kpa", {{"min_replicas", 0}});
  // 1 replica; concurrency 35 for t=2..20 (35/70 -> 1), then 0.
  // The stable window (t-60, t] is all zero from t=80: decision 0 first at t=80, held at 1 for the
  // 30 s grace period (t=80..108), 0 at t=110.
  int in_force = 1;
  for (double t = 2; t <= 118; t += 2) {
    const double concurrency = t <= 20 ? 35.0 : 0.0;
    const ScalingDecision decision = kpa->decide(concurrency_observation(t, in_force, in_force, concurrency));
    INFO("t=" << t << ": " << decision.reason);
    CHECK(decision.desired_replicas == (t < 110 ? 1 : 0));
    in_force = decision.desired_replicas;
  }
  // Traffic again at zero (requests wait at the activator/balancer): 10 in the system at t=120;
  // stable mean (60, 120] = 10/30 -> ceil(0.005) = 1; panic 10/3 -> 1, 1/max(1, 0) = 1 < 2 -> 1.
  CHECK(kpa->decide(concurrency_observation(120, 0, 0, 10.0)).desired_replicas == 1);

  // With the default min_replicas 1 the last replica stays.
  auto keeps_one = make_autoscaler("kpa");
  int count = 1;
  for (double t = 2; t <= 200; t += 2) count = keeps_one->decide(concurrency_observation(t, count, count, 0.0)).desired_replicas;
  CHECK(count == 1);

  // Right after the start a short quiet spell is not a full stable window: t=2..58 keep 1; the window is
  // full at t=60 (history covers (0, 60]), so the grace period runs from 60 and 0 comes at t=90.
  auto fresh = make_autoscaler("kpa", {{"min_replicas", 0}});
  count = 1;
  for (double t = 2; t <= 92; t += 2) {
    count = fresh->decide(concurrency_observation(t, count, count, 0.0)).desired_replicas;
    INFO("t=" << t);
    CHECK(count == (t < 90 ? 1 : 0));
  }
}

// ---- Lepton ----------------------------------------------------------------------

TEST_CASE("lepton: scale to zero at the first decision at or after no_traffic_timeout", "[autoscaler]") {
  auto lepton = make_autoscaler("lepton", {{"min_replicas", 0}, {"no_traffic_timeout", 300}});
  CHECK(lepton->period() == 30.0);
  // Last request at t=95; decisions every 30 s; 1 ready and idle. seconds since = t - 95:
  // t=390 -> 295 < 300 keep 1; t=420 -> 325 >= 300 -> 0.
  for (double t = 120; t <= 390; t += 30) {
    AutoscalerObservation observation = utilization_observation(t, 1, 1, 0.0);
    observation.seconds_since_last_request = t - 95;
    INFO("t=" << t);
    CHECK(lepton->decide(observation).desired_replicas == 1);
  }
  AutoscalerObservation observation = utilization_observation(420, 1, 1, 0.0);
  observation.seconds_since_last_request = 325;
  const ScalingDecision to_zero = lepton->decide(observation);
  CHECK(to_zero.desired_replicas == 0);
  CHECK_THAT(to_zero.reason, Catch::Contains("scale to zero"));

  // Exactly at the timeout (last request at t=120, decision at t=420): 300 >= 300 -> 0.
  auto exact = make_autoscaler("lepton", {{"min_replicas", 0}, {"no_traffic_timeout", 300}});
  observation = utilization_observation(420, 1, 1, 0.0);
  observation.seconds_since_last_request = 300;
  CHECK(exact->decide(observation).desired_replicas == 0);

  // At zero: stays at 0 without traffic, back to 1 at the first decision after a request arrives.
  observation = utilization_observation(450, 0, 0, 0.0);
  observation.seconds_since_last_request = 330;
  CHECK(lepton->decide(observation).desired_replicas == 0);
  observation = utilization_observation(480, 0, 0, 0.0);
  observation.seconds_since_last_request = 10;  // a request at t=470 (waiting at the balancer)
  observation.request_rate = 1.0 / 30.0;
  observation.total_concurrency = 1.0;
  CHECK(lepton->decide(observation).desired_replicas == 1);

  // A request still in the system holds off scale to zero.
  auto busy = make_autoscaler("lepton", {{"min_replicas", 0}, {"no_traffic_timeout", 300}});
  observation = utilization_observation(420, 1, 1, 0.5);  // ceil(1 x 0.5 / 0.8) = 1
  observation.seconds_since_last_request = 320;
  observation.total_concurrency = 1.0;
  CHECK(busy->decide(observation).desired_replicas == 1);
}

TEST_CASE("lepton: GPU utilisation and QPM targets", "[autoscaler]") {
  struct Row {
    int ready;
    double utilization;
    int expected;
  };
  // target 80 %: ceil(ready x utilization / 0.8)
  const std::vector<Row> rows = {
      {2, 0.5, 2},   // ceil(1.25) = 2
      {2, 0.3, 1},   // ceil(0.75) = 1
      {2, 1.0, 3},   // ceil(2.5) = 3
      {4, 0.8, 4},   // 4 x 0.8 / 0.8 = 4
      {8, 1.0, 10},  // ceil(10) = 10
      {1, 0.0, 1},   // ceil(0) = 0, but only the no-traffic timeout goes to zero -> 1
  };
  for (const Row& row : rows) {
    auto lepton = make_autoscaler("lepton");
    AutoscalerObservation observation = utilization_observation(30, row.ready, row.ready, row.utilization);
    observation.seconds_since_last_request = 1.0;
    CHECK(lepton->decide(observation).desired_replicas == row.expected);
  }
  // Replicas still starting: no scale-down (2 ready at 0.3 would give 1, 2 more are starting) -> keep 4.
  auto lepton = make_autoscaler("lepton");
  CHECK(lepton->decide(utilization_observation(30, 4, 2, 0.3, 2)).desired_replicas == 4);

  // QPM: 2 req/s = 120 qpm over target 50 per replica -> ceil(2.4) = 3, also straight from zero.
  auto by_qpm = make_autoscaler("lepton",
                                {{"target_gpu_utilization_percentage", 0}, {"target_qpm", 50}, {"min_replicas", 0}});
  AutoscalerObservation observation = utilization_observation(30, 0, 0, 0.0);
  observation.request_rate = 2.0;
  observation.seconds_since_last_request = 0.5;
  CHECK(by_qpm->decide(observation).desired_replicas == 3);
  observation = utilization_observation(60, 3, 3, 0.2);
  observation.request_rate = 0.5;  // 30 qpm -> ceil(0.6) = 1
  observation.seconds_since_last_request = 1.0;
  CHECK(by_qpm->decide(observation).desired_replicas == 1);
}

// ---- Step scaling -----------------------------------------------------------------

TEST_CASE("step: thresholds add and remove steps, cooldowns block a second step", "[autoscaler]") {
  auto step = make_autoscaler("step", {{"upper_threshold", 0.8}, {"lower_threshold", 0.3}, {"step_up", 2},
                                       {"step_down", 1}, {"cooldown_up", 60}, {"cooldown_down", 120}});
  struct Row {
    double time;
    int in_force;
    double utilization;
    int expected;
  };
  const std::vector<Row> rows = {
      {15, 2, 0.90, 4},   // 0.90 > 0.8: 2 + 2 = 4 (scale-up at 15)
      {30, 4, 0.90, 4},   // 30 - 15 = 15 < 60: scale-up cooldown -> keep
      {60, 4, 0.85, 4},   // 45 < 60 -> keep
      {75, 4, 0.85, 6},   // 60 >= 60: 4 + 2 = 6 (scale-up at 75)
      {90, 6, 0.50, 6},   // within [0.3, 0.8] -> keep
      {105, 6, 0.10, 6},  // 0.1 < 0.3 but 105 - 75 = 30 < 120 since the last change -> keep
      {195, 6, 0.10, 5},  // 120 >= 120: 6 - 1 = 5 (change at 195)
      {210, 5, 0.10, 5},  // 15 < 120 -> keep
      {315, 5, 0.10, 4},  // 120 -> 4
      {330, 4, 0.95, 6},  // scale-up is not blocked by a scale-down: 4 + 2 = 6
  };
  for (const Row& row : rows) {
    const ScalingDecision decision =
        step->decide(utilization_observation(row.time, row.in_force, row.in_force, row.utilization));
    INFO("t=" << row.time << ": " << decision.reason);
    CHECK(decision.desired_replicas == row.expected);
  }
  // Steps stop at the bounds.
  auto bounded = make_autoscaler("step", {{"max_replicas", 5}, {"step_up", 4}});
  CHECK(bounded->decide(utilization_observation(0, 3, 3, 0.95)).desired_replicas == 5);
  auto at_minimum = make_autoscaler("step", {{"min_replicas", 2}});
  CHECK(at_minimum->decide(utilization_observation(0, 2, 2, 0.05)).desired_replicas == 2);
}

// ---- Predictive --------------------------------------------------------------------

TEST_CASE("predictive: weighted moving average of a known series", "[autoscaler]") {
  WeightedMovingAverageForecaster wma(4);
  CHECK(wma.forecast(1) == 0.0);
  wma.observe(10);
  CHECK(wma.forecast(1) == Approx(10.0));  // one value: 4 x 10 / 4
  wma.observe(20);
  CHECK(wma.forecast(1) == Approx((4 * 20 + 3 * 10) / 7.0));  // 110/7 = 15.714
  wma.observe(30);
  wma.observe(40);
  // (4 x 40 + 3 x 30 + 2 x 20 + 1 x 10) / (4 + 3 + 2 + 1) = 300 / 10 = 30
  CHECK(wma.forecast(1) == Approx(30.0));
  CHECK(wma.forecast(5) == Approx(30.0));
  wma.observe(50);  // 10 leaves: (200 + 120 + 60 + 20) / 10 = 40
  CHECK(wma.forecast(1) == Approx(40.0));

  // Through the policy: 30 req/s / 10 per replica = 3 replicas (no concurrency, so reactive 0).
  auto predictive = make_autoscaler("predictive", {{"history", 4}, {"requests_per_replica", 10}});
  int desired = 0;
  double t = 0;
  for (double rate : {10.0, 20.0, 30.0, 40.0}) {
    AutoscalerObservation observation = utilization_observation(t += 60, desired, desired, 0.5);
    observation.request_rate = rate;
    desired = predictive->decide(observation).desired_replicas;
  }
  CHECK(desired == 3);
}

TEST_CASE("predictive: Holt-Winters forecasts a pure seasonal series exactly after warm-up", "[autoscaler]") {
  const std::vector<double> season = {10, 30, 50, 70, 40, 20};  // m = 6, mean 36.67
  for (const auto& [alpha, beta, gamma] : std::vector<std::tuple<double, double, double>>{
           {0.5, 0.1, 0.3}, {0.9, 0.5, 0.9}, {0.1, 0.0, 0.05}}) {
    HoltWintersForecaster holt_winters(6, alpha, beta, gamma, 3);
    // Warm-up: two seasons; before that, the weighted moving average of the last 3 values.
    holt_winters.observe(10);
    holt_winters.observe(30);
    CHECK_FALSE(holt_winters.is_warmed_up());
    CHECK(holt_winters.forecast(1) == Approx((3 * 30 + 2 * 10) / 5.0));
    for (std::size_t i = 2; i < 12; ++i) holt_winters.observe(season[i % 6]);
    CHECK(holt_winters.is_warmed_up());
    // Level = mean, trend = 0, seasonal = value - mean, unchanged by the updates: the next
    // season (and the one after) are forecast exactly, whatever the smoothing constants.
    for (int round = 0; round < 3; ++round) {
      for (int h = 1; h <= 12; ++h) CHECK(std::abs(holt_winters.forecast(h) - season[(h - 1) % 6]) < 1e-9);
      for (double value : season) holt_winters.observe(value);
    }
  }
  // A different phase: after 14 values the next is season[14 % 6] = season[2] = 50.
  HoltWintersForecaster shifted(6, 0.5, 0.1, 0.3, 3);
  for (std::size_t i = 0; i < 14; ++i) shifted.observe(season[i % 6]);
  CHECK(std::abs(shifted.forecast(1) - 50.0) < 1e-9);
  CHECK(std::abs(shifted.forecast(3) - 40.0) < 1e-9);
}

TEST_CASE("predictive: provisions a cold start ahead and never below the reactive value", "[autoscaler]") {
  // Holt-Winters with season 4 on rates 10, 50, 90, 50 (req/s), 10 req/s per replica, period 60 s.
  const std::vector<double> season = {10, 50, 90, 50};
  auto owner = make_autoscaler("predictive", {{"method", 1}, {"season_length", 4}, {"requests_per_replica", 10},
                                              {"target_concurrency_per_replica", 8}, {"max_replicas", 100}});
  auto& predictive = dynamic_cast<PredictiveAutoscaler&>(*owner);
  int desired = 1;
  for (int i = 0; i < 8; ++i) {
    AutoscalerObservation observation = utilization_observation(60.0 * (i + 1), desired, desired, 0.5);
    observation.request_rate = season[i % 4];
    observation.cold_start_seconds = 30;
    desired = predictive.decide(observation).desired_replicas;
  }
  // Warmed up after 8 values; the last one (index 7) was 50, so the next ones are 10, 50, 90, 50.
  CHECK(std::abs(predictive.forecaster().forecast(1) - 10.0) < 1e-9);
  CHECK(std::abs(predictive.forecaster().forecast(2) - 50.0) < 1e-9);

  auto observe = [&](double time, double rate, double cold_start, double concurrency) {
    AutoscalerObservation observation = utilization_observation(time, desired, desired, 0.5);
    observation.request_rate = rate;
    observation.cold_start_seconds = cold_start;
    observation.total_concurrency = concurrency;
    desired = predictive.decide(observation).desired_replicas;
    return desired;
  };
  // Observes 10 (index 8); next: 50, 90, 50.
  // Cold start 30 s -> lead ceil(0.5) = 1 period: forecast 50 -> 5 replicas; reactive ceil(16/8) = 2 -> 5.
  CHECK(observe(540, 10, 30, 16) == 5);
  // Observes 50 (index 9); next: 90, 50. Lead 130 s -> ceil(2.17) = 3 periods: max(90, 50, 10) -> 9.
  CHECK(observe(600, 50, 130, 0) == 9);
  // Observes 90 (index 10); next 50: 5 replicas by forecast, but 100 requests in the system
  // need ceil(100/8) = 13 -> never below the reactive value: 13.
  CHECK(observe(660, 90, 0, 100) == 13);
  // Observes 50 (index 11); next 10 -> 1; reactive ceil(20/8) = 3 -> 3.
  CHECK(observe(720, 50, 0, 20) == 3);
}

// ---- Static and the registry --------------------------------------------------------

TEST_CASE("static keeps the count in force within [min, max]", "[autoscaler]") {
  auto fixed = make_autoscaler("static", {{"min_replicas", 2}, {"max_replicas", 8}});
  CHECK(fixed->period() == 60.0);
  for (int in_force : {2, 5, 8}) CHECK(fixed->decide(utilization_observation(60, in_force, in_force, 1.0)).desired_replicas == in_force);
  CHECK(fixed->decide(utilization_observation(60, 1, 1, 0.0)).desired_replicas == 2);
  CHECK(fixed->decide(utilization_observation(60, 12, 12, 0.0)).desired_replicas == 8);
}

TEST_CASE("autoscaler registry: every policy, valid defaults, helpful errors", "[autoscaler]") {
  const ReplicaAutoscalerRegistry& registry = policy_registries().autoscalers;
  CHECK(registry.kind() == "autoscaler");
  std::vector<std::string> names;
  for (const PolicyInfo& info : registry.infos()) names.push_back(info.name);
  CHECK(names == std::vector<std::string>{"hpa", "kpa", "lepton", "predictive", "static", "step"});

  for (const PolicyInfo& info : registry.infos()) {
    INFO(info.name);
    CHECK(info.kind == "autoscaler");
    CHECK_FALSE(info.description.empty());
    bool has_min = false;
    bool has_max = false;
    for (const PolicyParameter& parameter : info.parameters) {
      INFO(parameter.name);
      CHECK(parameter.min_value <= parameter.default_value);
      CHECK(parameter.default_value <= parameter.max_value);
      CHECK_FALSE(parameter.description.empty());
      has_min = has_min || parameter.name == "min_replicas";
      has_max = has_max || parameter.name == "max_replicas";
    }
    CHECK(has_min);
    CHECK(has_max);
    auto autoscaler = registry.make(info.name, {});
    CHECK(autoscaler->period() > 0.0);
    // Every policy keeps its decision within [min, max] on a quiet first observation.
    const int desired = autoscaler->decide(utilization_observation(autoscaler->period(), 1, 1, 0.0)).desired_replicas;
    CHECK(desired >= 1);
    CHECK(desired <= 10);
  }
  // Autoscalers are listed after the load balancers and before the job policies.
  const std::vector<PolicyInfo> all = all_policy_infos();
  REQUIRE_FALSE(all.empty());
  std::vector<std::string> kinds;
  for (const PolicyInfo& info : all)
    if (kinds.empty() || kinds.back() != info.kind) kinds.push_back(info.kind);
  CHECK(kinds == std::vector<std::string>{"load_balancer", "autoscaler", "node_autoscaler", "job_queue", "job_placement", "redundancy",
                                          "data_placement", "cache_eviction", "request_router"});

  CHECK_THROWS_WITH(registry.make("hpaa", {}),
                    Catch::Contains("did you mean 'hpa'") && Catch::Contains("hpa, kpa, lepton, predictive, static, step"));
  CHECK_THROWS_WITH(registry.make("hpa", {{"traget", 0.5}}), Catch::Contains("did you mean 'target'"));
  CHECK_THROWS_WITH(registry.make("hpa", {{"metric", 3}}), Catch::Contains("outside [0, 2]"));
  CHECK_THROWS_WITH(registry.make("hpa", {{"metric", 1.5}}), Catch::Contains("whole number"));
  CHECK_THROWS_WITH(registry.make("kpa", {{"min_replicas", 5}, {"max_replicas", 3}}),
                    Catch::Contains("min_replicas = 5 exceeds max_replicas = 3"));
  CHECK_THROWS_WITH(registry.make("step", {{"lower_threshold", 0.9}}), Catch::Contains("must be below"));
  CHECK_THROWS_WITH(registry.make("lepton", {{"target_qpm", 60}}), Catch::Contains("exactly one"));
  CHECK_THROWS_WITH(registry.make("lepton", {{"target_gpu_utilization_percentage", 0}}), Catch::Contains("exactly one"));
  CHECK_THROWS_WITH(registry.make("lepton", {{"no_traffic_timeout", 600}}), Catch::Contains("min_replicas = 0"));
  CHECK_THROWS_AS(registry.make("predictive", {{"method", 2}}), PolicyError);
}
