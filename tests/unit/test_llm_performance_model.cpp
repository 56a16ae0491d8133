// LLM performance model (roofline) against values computed by hand, and the
// fluid decode batch against its closed form and the iteration-by-iteration batch.
#include <catch2/catch.hpp>

#include "catalog/HardwareCatalog.hpp"
#include "common/RandomStreams.hpp"
#include "serving/FluidDecodeBatch.hpp"
#include "serving/IterationDecodeBatch.hpp"
#include "serving/LlmPerformanceModel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

using namespace leptonsim;

namespace {

// Llama-2-70B-like: 70e9 parameters in BF16, 80 layers, hidden 8192, 64 query
// heads and 8 KV heads (grouped-query attention), BF16 KV cache.
LlmModelSpec llama70b() {
  LlmModelSpec model;
  model.parameters = 70e9;
  model.bytes_per_parameter = 2;
  model.layers = 80;
  model.hidden_size = 8192;
  model.attention_heads = 64;
  model.kv_heads = 8;
  model.kv_bytes_per_element = 2;
  return model;
}

ReplicaHardware replica(const std::string& gpu, int gpus) {
  const GpuType* type = HardwareCatalog::builtin().find_gpu(gpu);
  REQUIRE(type != nullptr);
  ReplicaHardware hardware;
  hardware.gpu = *type;
  hardware.gpus = gpus;
  return hardware;  // efficiencies at their defaults: compute 0.5, memory 0.8, reserved 0.1
}

// 4 x H100-SXM (989 TFLOP/s dense BF16, 80 GB, 3.35 TB/s each):
//   compute  G·F·η_c  = 4 · 989e12 · 0.5 = 1.978e15 FLOP/s
//   memory   G·BW·η_m = 4 · 3.35e12 · 0.8 = 10.72e12 B/s
constexpr double kComputeRate = 1.978e15;
constexpr double kMemoryRate = 10.72e12;
constexpr double kWeights = 140e9;      // 70e9 · 2 bytes
constexpr double kKvPerToken = 327680;  // 2 · 80 · 8 · 128 · 2 bytes

}  // namespace

TEST_CASE("weights and KV cache bytes of a GQA model", "[llm_model]") {
  const LlmModelSpec model = llama70b();
  CHECK(model.head_dim() == 128);  // 8192 / 64
  CHECK(model.weights_bytes() == 140e9);
  // K and V, 80 layers, 8 KV heads of 128 elements, 2 bytes each.
  CHECK(model.kv_cache_bytes_per_token() == 327680.0);
  // The same model with multi-head attention (kv_heads 0 = all 64 heads) needs 8x more.
  LlmModelSpec mha = model;
  mha.kv_heads = 0;
  CHECK(mha.kv_cache_bytes_per_token() == 8 * 327680.0);
  // Given directly, the per-token size wins and the architecture may be unknown.
  LlmModelSpec opaque;
  opaque.parameters = 7e9;
  opaque.kv_bytes_per_token = 131072.0;
  CHECK(opaque.problems().empty());
  CHECK(opaque.kv_cache_bytes_per_token() == 131072.0);
}

TEST_CASE("memory budget of Llama-2-70B on 4 x H100", "[llm_model]") {
  const LlmPerformanceModel perf(llama70b(), replica("H100-SXM", 4));
  const MemoryBudget budget = perf.memory_budget();
  REQUIRE(budget.fits());
  CHECK(perf.fits_in_memory());
  // usable = 4 · 80e9 · (1 − 0.1) = 288e9; KV = 288e9 − 140e9 = 148e9 bytes.
  CHECK(budget.usable_bytes == Approx(288e9).epsilon(1e-12));
  CHECK(budget.weights_bytes == 140e9);
  CHECK(budget.kv_cache_bytes == Approx(148e9).epsilon(1e-12));
  CHECK(perf.kv_bytes_per_token() == kKvPerToken);
  // 148e9 / 327680 = 451660.15625 -> 451660 tokens.
  CHECK(perf.kv_capacity_tokens() == 451660);
  // Requests of 2048 tokens: floor(451660 / 2048) = floor(220.54) = 220.
  CHECK(perf.max_batch_by_memory(2048) == 220);
  CHECK(perf.max_batch_by_memory(451660) == 1);
  CHECK(perf.max_batch_by_memory(451661) == 0);
}

TEST_CASE("prefill is compute-bound except for very short prompts", "[llm_model]") {
  const LlmPerformanceModel perf(llama70b(), replica("H100-SXM", 4));
  // 1000 tokens: 2 · 70e9 · 1000 = 1.4e14 FLOPs / 1.978e15 FLOP/s = 0.0707786 s;
  // the memory term (140e9 + 327680 · 1000) / 10.72e12 = 0.01309 s is smaller.
  CHECK(perf.prefill_flops(1000) == 1.4e14);
  CHECK(perf.prefill_seconds(1000) == Approx(0.07077856420626896).epsilon(1e-12));
  // 10 tokens: 1.4e12 / 1.978e15 = 0.7 ms of compute, but the weights must be
  // read once: (140e9 + 3276800) / 10.72e12 = 0.0130600 s.
  CHECK(perf.prefill_seconds(10) == Approx((kWeights + kKvPerToken * 10) / kMemoryRate).epsilon(1e-12));
  // Counting causal attention adds 2 · 80 · 8192 · 1000² = 1.31072e12 FLOPs.
  LlmModelSpec with_attention = llama70b();
  with_attention.count_prefill_attention_flops = true;
  const LlmPerformanceModel perf_attention(with_attention, replica("H100-SXM", 4));
  CHECK(perf_attention.prefill_flops(1000) == Approx(1.4e14 + 1.31072e12).epsilon(1e-12));
  CHECK(perf_attention.prefill_seconds(1000) == Approx((1.4e14 + 1.31072e12) / kComputeRate).epsilon(1e-12));
}

TEST_CASE("decode iterations: memory-bound at batch 1, compute-bound at large batches", "[llm_model]") {
  const LlmPerformanceModel perf(llama70b(), replica("H100-SXM", 4));
  // Batch 1, empty context: the weights once, 140e9 / (4 · 3.35e12 · 0.8) = 0.0130597 s.
  CHECK(perf.decode_iteration_seconds(1, 0) == Approx(0.013059701492537313).epsilon(1e-12));
  // Batch 1 with 1000 tokens of context: (140e9 + 327.68e6) / 10.72e12 = 0.0130903 s.
  CHECK(perf.decode_iteration_seconds(1, 1000) == Approx(0.013090268656716418).epsilon(1e-12));
  // Batch 512 with 100 tokens of context each: compute 512 · 1.4e11 / 1.978e15 =
  // 0.0362386 s beats memory (140e9 + 327680 · 51200) / 10.72e12 = 0.0146247 s.
  CHECK(perf.decode_iteration_seconds(512, 51200) == Approx(0.03623862487360971).epsilon(1e-12));
  const DecodeIterationCost& cost = perf.decode_cost();
  CHECK(cost.weights_seconds == Approx(kWeights / kMemoryRate).epsilon(1e-12));
  CHECK(cost.seconds_per_context_token == Approx(kKvPerToken / kMemoryRate).epsilon(1e-12));
  CHECK(cost.compute_seconds_per_request == Approx(1.4e11 / kComputeRate).epsilon(1e-12));
  CHECK(cost.overhead_seconds == 0.0);
}

TEST_CASE("the batch at which decode turns compute-bound", "[llm_model]") {
  const LlmPerformanceModel perf(llama70b(), replica("H100-SXM", 4));
  // No context: W/(G·BW·η_m) = 2·P·B/(G·F·η_c) -> B* = 1.978e15 / 10.72e12 · (140e9 / 1.4e11) = 184.515.
  CHECK(perf.compute_bound_batch_size(0) == Approx(184.51492537313433).epsilon(1e-12));
  const double memory_184 = kWeights / kMemoryRate;
  CHECK(perf.decode_iteration_seconds(184, 0) == Approx(memory_184).epsilon(1e-12));
  CHECK(perf.decode_iteration_seconds(185, 0) == Approx(185 * 1.4e11 / kComputeRate).epsilon(1e-12));
  CHECK(perf.decode_iteration_seconds(185, 0) > memory_184);
  // 1000 tokens of context per request: the KV term eats into the slope:
  //   B* = 0.0130597 / (7.07786e-5 − 327.68e6 / 10.72e12) = 324.776.
  CHECK(perf.compute_bound_batch_size(1000) == Approx(324.7760954285336).epsilon(1e-9));
  // With 3000 tokens each, reading the KV cache grows faster than compute: never compute-bound.
  CHECK(std::isinf(perf.compute_bound_batch_size(3000)));
}

TEST_CASE("a model that does not fit is an error value, not a crash", "[llm_model]") {
  // 1 x L40S: 48e9 · 0.9 = 43.2e9 usable bytes < 140e9 of weights.
  const LlmPerformanceModel perf(llama70b(), replica("L40S", 1));
  CHECK_FALSE(perf.fits_in_memory());
  const MemoryBudget budget = perf.memory_budget();
  CHECK(budget.usable_bytes == Approx(43.2e9).epsilon(1e-12));
  CHECK(budget.kv_cache_bytes < 0);
  CHECK(budget.kv_capacity_tokens == 0);
  CHECK(perf.kv_capacity_tokens() == 0);
  CHECK(perf.max_batch_by_memory(1000) == 0);
  CHECK(budget.error.find("does not fit") != std::string::npos);
  CHECK(budget.error.find("140 GB") != std::string::npos);
  CHECK(budget.error.find("1 x L40S") != std::string::npos);
  // Four L40S (172.8e9 usable) do fit: (172.8e9 − 140e9) / 327680 = 100097.65 -> 100097 tokens.
  const LlmPerformanceModel four(llama70b(), replica("L40S", 4));
  CHECK(four.fits_in_memory());
  CHECK(four.kv_capacity_tokens() == 100097);
}

TEST_CASE("invalid inputs are all reported at once", "[llm_model]") {
  LlmModelSpec model;  // no parameters, no architecture, no kv_bytes_per_token
  model.count_prefill_attention_flops = true;
  ReplicaHardware hardware = replica("H100-SXM", 0);
  hardware.compute_efficiency = 1.5;
  const std::vector<std::string> problems = LlmPerformanceModel::problems(model, hardware);
  CHECK(problems.size() == 5);  // parameters, KV size unknown, attention flops, gpus, efficiency
  try {
    LlmPerformanceModel perf(model, hardware);
    FAIL("expected std::invalid_argument");
  } catch (const std::invalid_argument& error) {
    const std::string message = error.what();
    CHECK(message.find("parameters must be positive") != std::string::npos);
    CHECK(message.find("gpus must be at least 1") != std::string::npos);
    CHECK(message.find("compute_efficiency") != std::string::npos);
  }
  LlmModelSpec bad_heads = llama70b();
  bad_heads.kv_heads = 6;  // does not divide 64
  CHECK(bad_heads.problems().size() == 1);
}

TEST_CASE("more GPUs than KV heads replicate the KV cache, and TP overhead per layer", "[llm_model]") {
  // 16 GPUs, 8 KV heads: each KV head lives on 2 GPUs -> 2 · 327680 bytes per token.
  const LlmPerformanceModel sixteen(llama70b(), replica("H100-SXM", 16));
  CHECK(sixteen.kv_bytes_per_token() == 2 * kKvPerToken);
  // usable 16 · 72e9 = 1152e9; (1152e9 − 140e9) / 655360 = 1544189.45 -> 1544189.
  CHECK(sixteen.kv_capacity_tokens() == 1544189);
  // 10 µs per layer and pass: 80 layers -> 0.8 ms on every iteration and prefill.
  ReplicaHardware hardware = replica("H100-SXM", 4);
  hardware.tp_overhead_per_layer_seconds = 10e-6;
  const LlmPerformanceModel perf(llama70b(), hardware);
  CHECK(perf.decode_iteration_seconds(1, 0) == Approx(kWeights / kMemoryRate + 0.8e-3).epsilon(1e-12));
  CHECK(perf.prefill_seconds(1000) == Approx(1.4e14 / kComputeRate + 0.8e-3).epsilon(1e-12));
}

// ---------------------------------------------------------------------------
// Decode batches.

namespace {

// Closed form of t(x) = ∫₀ˣ (max(a0 + s·u, K) + O) du (see FluidDecodeBatch.hpp).
double integrated_iteration_time(double a0, double s, double compute, double overhead, double x) {
  double switch_at = 0.0;
  if (a0 < compute) switch_at = s > 0 ? (compute - a0) / s : std::numeric_limits<double>::infinity();
  if (x <= switch_at) return (compute + overhead) * x;
  return (compute + overhead) * switch_at + (a0 + overhead) * (x - switch_at) +
         0.5 * s * (x * x - switch_at * switch_at);
}

// Sum over the n discrete iterations of a constant batch of B requests with total context C0.
double iteration_sum(const DecodeIterationCost& cost, int batch, double context, int n) {
  double total = 0.0;
  for (int j = 0; j < n; ++j) total += cost.seconds(batch, context + static_cast<double>(batch) * j);
  return total;
}

struct Join {
  double time;
  DecodeRequestId id;
  std::int64_t output_tokens;
  std::int64_t context_tokens;
};

// Drives a batch through scripted joins; returns each request's completion time.
std::map<DecodeRequestId, double> run_script(DecodeBatch& batch, const std::vector<Join>& joins) {
  std::map<DecodeRequestId, double> done;
  auto collect = [&] {
    for (const DecodeCompletion& completion : batch.take_completed()) done[completion.id] = completion.time;
  };
  for (const Join& join : joins) {
    batch.advance_to(join.time);
    collect();
    batch.add(join.id, join.output_tokens, join.context_tokens);
  }
  int steps = 0;
  while (!batch.is_empty() && steps++ < 1000000) {
    batch.advance(batch.time_to_next_completion());
    collect();
  }
  collect();
  return done;
}

double quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::max<std::size_t>(rank, 1) - 1];
}

std::vector<Join> poisson_joins(std::uint64_t seed, int count, double rate, std::int64_t min_output,
                                std::int64_t max_output, std::int64_t min_context, std::int64_t max_context) {
  RandomStream stream = make_stream(seed, "decode-batch-test");
  std::vector<Join> joins;
  double time = 0.0;
  for (int i = 0; i < count; ++i) {
    time += stream.exponential(1.0 / rate);
    const auto output = min_output + static_cast<std::int64_t>(stream.uniform() * (max_output - min_output + 1));
    const auto context = min_context + static_cast<std::int64_t>(stream.uniform() * (max_context - min_context + 1));
    joins.push_back({time, static_cast<DecodeRequestId>(i), output, context});
  }
  return joins;
}

void compare_fluid_with_iterations(const DecodeIterationCost& cost, const std::vector<Join>& joins) {
  FluidDecodeBatch fluid(cost);
  IterationDecodeBatch iterations(cost);
  const auto fluid_done = run_script(fluid, joins);
  const auto iteration_done = run_script(iterations, joins);
  REQUIRE(fluid_done.size() == joins.size());
  REQUIRE(iteration_done.size() == joins.size());
  std::vector<double> fluid_latency, iteration_latency;
  double worst = 0.0;
  for (const Join& join : joins) {
    const double f = fluid_done.at(join.id) - join.time;
    const double i = iteration_done.at(join.id) - join.time;
    fluid_latency.push_back(f);
    iteration_latency.push_back(i);
    worst = std::max(worst, std::abs(f - i) / i);
  }
  double fluid_mean = 0.0, iteration_mean = 0.0;
  for (std::size_t k = 0; k < joins.size(); ++k) {
    fluid_mean += fluid_latency[k] / static_cast<double>(joins.size());
    iteration_mean += iteration_latency[k] / static_cast<double>(joins.size());
  }
  INFO("worst relative difference of one request's decode latency: " << worst);
  INFO("mean latency fluid " << fluid_mean << " s, iterations " << iteration_mean << " s");
  // Each request: within 5 %. Most of the difference is the wait of up to one
  // iteration for the next iteration boundary in the iteration batch, which the
  // fluid leaves out: at most 1/40 = 2.5 % for requests of 40 tokens or more.
  CHECK(worst < 0.05);
  // Mean and p99 (the criterion is 5 %; they agree far better).
  CHECK(fluid_mean == Approx(iteration_mean).epsilon(0.01));
  CHECK(quantile(fluid_latency, 0.99) == Approx(quantile(iteration_latency, 0.99)).epsilon(0.01));
}

DecodeIterationCost llama70b_cost() { return LlmPerformanceModel(llama70b(), replica("H100-SXM", 4)).decode_cost(); }

}  // namespace

TEST_CASE("fluid batch of constant size, memory-bound: the closed form, exactly", "[decode_batch]") {
  const DecodeIterationCost cost = llama70b_cost();
  // 4 requests of 200 tokens with 1000 tokens of context each (C0 = 4000):
  //   t(200) = 200 · (a + m·C0) + m · 4 · 200 · 199 / 2,
  // which is also the sum over the 200 discrete iterations.
  const double a = cost.weights_seconds;
  const double m = cost.seconds_per_context_token;
  const double expected = 200 * (a + m * 4000) + m * 4 * 200 * 199 / 2.0;
  CHECK(expected == Approx(iteration_sum(cost, 4, 4000, 200)).epsilon(1e-12));
  FluidDecodeBatch fluid(cost);
  IterationDecodeBatch iterations(cost);
  for (DecodeBatch* batch : std::initializer_list<DecodeBatch*>{&fluid, &iterations}) {
    for (DecodeRequestId id = 0; id < 4; ++id) batch->add(id, 200, 1000);
    CHECK(batch->time_to_next_completion() == Approx(expected).epsilon(1e-12));
    batch->advance(batch->time_to_next_completion());
    const std::vector<DecodeCompletion> done = batch->take_completed();
    REQUIRE(done.size() == 4);
    for (const DecodeCompletion& completion : done) CHECK(completion.time == Approx(expected).epsilon(1e-12));
    CHECK(batch->is_empty());
  }
  CHECK(iterations.iterations() == 200);
}

TEST_CASE("fluid batch of constant size, compute-bound and crossing over", "[decode_batch]") {
  const DecodeIterationCost cost = llama70b_cost();
  SECTION("compute-bound throughout: n iterations of 2·P·B / (G·F·η_c)") {
    // 400 requests, 10 tokens of context each, 50 tokens: memory stays below
    // 0.0140 s per iteration, compute is 400 · 7.078e-5 = 0.0283 s.
    FluidDecodeBatch fluid(cost);
    for (DecodeRequestId id = 0; id < 400; ++id) fluid.add(id, 50, 10);
    const double iteration = 400 * cost.compute_seconds_per_request;
    CHECK(cost.seconds(400, 400 * 60) == Approx(iteration).epsilon(1e-12));
    CHECK(fluid.time_to_next_completion() == Approx(50 * iteration).epsilon(1e-12));
    CHECK(iteration_sum(cost, 400, 4000, 50) == Approx(50 * iteration).epsilon(1e-12));
  }
  SECTION("compute-bound first, memory-bound once the KV cache has grown") {
    // 200 requests with 100 tokens of context: K = 200 · 7.078e-5 = 0.014156 s,
    // memory starts at a + m · (20000 − 100) = 0.013668 s and grows by m · 200 per token.
    const double a0 = cost.weights_seconds + cost.seconds_per_context_token * (20000 - 100);
    const double s = cost.seconds_per_context_token * 200;
    const double compute = 200 * cost.compute_seconds_per_request;
    REQUIRE(a0 < compute);
    const double switch_at = (compute - a0) / s;
    REQUIRE(switch_at > 10);
    REQUIRE(switch_at < 390);
    const double expected = integrated_iteration_time(a0, s, compute, 0.0, 400);
    FluidDecodeBatch fluid(cost);
    for (DecodeRequestId id = 0; id < 200; ++id) fluid.add(id, 400, 100);
    CHECK(fluid.time_to_next_completion() == Approx(expected).epsilon(1e-12));
    // The discrete iterations differ only by rounding the switch to a whole iteration.
    CHECK(iteration_sum(cost, 200, 20000, 400) == Approx(expected).epsilon(1e-4));
    // Half way in time, the inverse gives the progress back.
    fluid.advance(expected / 2);
    const double x = fluid.segment_progress_for_time(expected / 2);
    CHECK(fluid.segment_time_for_progress(x) == Approx(expected / 2).epsilon(1e-12));
    CHECK(fluid.progress(0)->remaining_tokens == Approx(400 - x).epsilon(1e-12));
    CHECK(fluid.progress(0)->context_tokens == Approx(100 + x).epsilon(1e-12));
    CHECK(fluid.time_to_next_completion() == Approx(expected / 2).epsilon(1e-9));
  }
}

TEST_CASE("fluid and iteration batches agree within 5 percent on scripted joins", "[decode_batch]") {
  const DecodeIterationCost cost = llama70b_cost();
  SECTION("light load: a few requests at a time, memory-bound") {
    compare_fluid_with_iterations(cost, poisson_joins(1, 300, 2.0, 40, 400, 100, 3000));
  }
  SECTION("heavy load: batches of hundreds, compute-bound at times") {
    compare_fluid_with_iterations(cost, poisson_joins(2, 3000, 60.0, 40, 400, 50, 1500));
  }
  SECTION("a burst of joins at the same instant, then a straggler") {
    std::vector<Join> joins;
    for (DecodeRequestId id = 0; id < 50; ++id) joins.push_back({1.0, id, 30 + 7 * static_cast<std::int64_t>(id), 500});
    joins.push_back({2.5, 50, 1000, 8000});
    compare_fluid_with_iterations(cost, joins);
  }
}

TEST_CASE("decode batch bookkeeping: joins, leaves, empty batches, bad input", "[decode_batch]") {
  const DecodeIterationCost cost = llama70b_cost();
  FluidDecodeBatch fluid(cost, 10.0);
  IterationDecodeBatch iterations(cost, 10.0);
  for (DecodeBatch* batch : std::initializer_list<DecodeBatch*>{&fluid, &iterations}) {
    CHECK(batch->now() == 10.0);
    CHECK(std::isinf(batch->time_to_next_completion()));
    batch->add(1, 0, 100);  // nothing to decode: done at once
    auto done = batch->take_completed();
    REQUIRE(done.size() == 1);
    CHECK(done[0].time == 10.0);
    CHECK(batch->is_empty());
    batch->add(2, 100, 100);
    batch->add(3, 100, 100);
    CHECK_THROWS_AS(batch->add(2, 5, 5), std::invalid_argument);
    CHECK_THROWS_AS(batch->add(4, -1, 5), std::invalid_argument);
    batch->advance(0.5);
    CHECK_THROWS_AS(batch->advance_to(10.1), std::invalid_argument);
    const auto removed = batch->remove(3);
    REQUIRE(removed.has_value());
    CHECK(removed->remaining_tokens < 100);
    CHECK(removed->remaining_tokens > 50);
    CHECK_FALSE(batch->remove(3).has_value());
    CHECK(batch->size() == 1);
    batch->advance(batch->time_to_next_completion());
    done = batch->take_completed();
    REQUIRE(done.size() == 1);
    CHECK(done[0].id == 2);
    CHECK(batch->is_empty());
    CHECK(std::isinf(batch->time_to_next_completion()));
  }
  // The fluid batch finishes a request of a million tokens in one step.
  FluidDecodeBatch long_one(cost);
  long_one.add(7, 1000000, 10);
  long_one.advance(long_one.time_to_next_completion());
  CHECK(long_one.take_completed().size() == 1);
  // Joins at the instant an iteration starts share it; a join during an iteration waits for the next one.
  IterationDecodeBatch waiting(cost);
  waiting.add(1, 10, 0);
  waiting.advance(cost.weights_seconds / 2);
  waiting.add(2, 1, 0);
  CHECK(waiting.progress(2)->remaining_tokens == 1.0);
  waiting.advance_to(cost.weights_seconds);  // first iteration ends; request 2 joins the second
  CHECK(waiting.take_completed().empty());
  CHECK(waiting.iterations() == 1);
  waiting.advance(waiting.time_to_next_completion());
  const auto second = waiting.take_completed();
  REQUIRE(second.size() == 1);
  CHECK(second[0].id == 2);
  CHECK(waiting.iterations() == 2);
}
