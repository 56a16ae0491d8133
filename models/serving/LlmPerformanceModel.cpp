#include "serving/LlmPerformanceModel.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace leptonsim {
namespace {

bool is_positive(double value) { return std::isfinite(value) && value > 0.0; }

}  // namespace

double LlmModelSpec::kv_cache_bytes_per_token() const {
  if (kv_bytes_per_token) return *kv_bytes_per_token;
  if (!has_architecture()) return 0.0;
  return 2.0 * layers * effective_kv_heads() * head_dim() * kv_bytes_per_element;
}

std::vector<std::string> LlmModelSpec::problems() const {
  std::vector<std::string> out;
  if (!is_positive(parameters)) out.push_back(fmt::format("parameters must be positive, got {}", parameters));
  if (!is_positive(bytes_per_parameter))
    out.push_back(fmt::format("bytes_per_parameter must be positive, got {}", bytes_per_parameter));
  if (layers < 0 || hidden_size < 0 || attention_heads < 0 || kv_heads < 0)
    out.push_back("layers, hidden_size, attention_heads and kv_heads must not be negative");
  if (kv_bytes_per_token) {
    if (!(std::isfinite(*kv_bytes_per_token) && *kv_bytes_per_token >= 0.0))
      out.push_back(fmt::format("kv_bytes_per_token must be zero or positive, got {}", *kv_bytes_per_token));
  } else {
    if (!has_architecture())
      out.push_back("the KV cache size is unknown: give layers, hidden_size and attention_heads, or kv_bytes_per_token");
    if (!is_positive(kv_bytes_per_element))
      out.push_back(fmt::format("kv_bytes_per_element must be positive, got {}", kv_bytes_per_element));
  }
  if (attention_heads > 0 && hidden_size > 0 && hidden_size % attention_heads != 0)
    out.push_back(fmt::format("hidden_size {} is not a multiple of attention_heads {}", hidden_size, attention_heads));
  if (kv_heads > 0 && attention_heads > 0 && (kv_heads > attention_heads || attention_heads % kv_heads != 0))
    out.push_back(fmt::format("kv_heads {} must divide attention_heads {}", kv_heads, attention_heads));
  if (count_prefill_attention_flops && (layers <= 0 || hidden_size <= 0))
    out.push_back("count_prefill_attention_flops needs layers and hidden_size");
  return out;
}

std::vector<std::string> ReplicaHardware::problems() const {
  std::vector<std::string> out;
  const std::string name = gpu.name.empty() ? std::string("the GPU") : gpu.name;
  if (gpus < 1) out.push_back(fmt::format("gpus must be at least 1, got {}", gpus));
  if (!is_positive(gpu.dense_bf16_flops)) out.push_back(name + " has no dense_bf16 FLOP/s");
  if (!is_positive(gpu.memory_bytes)) out.push_back(name + " has no memory size");
  if (!is_positive(gpu.memory_bandwidth)) out.push_back(name + " has no memory bandwidth");
  if (!(compute_efficiency > 0.0 && compute_efficiency <= 1.0))
    out.push_back(fmt::format("compute_efficiency must be in (0, 1], got {}", compute_efficiency));
  if (!(memory_efficiency > 0.0 && memory_efficiency <= 1.0))
    out.push_back(fmt::format("memory_efficiency must be in (0, 1], got {}", memory_efficiency));
  if (!(memory_reserved_fraction >= 0.0 && memory_reserved_fraction < 1.0))
    out.push_back(fmt::format("memory_reserved_fraction must be in [0, 1), got {}", memory_reserved_fraction));
  if (!(std::isfinite(tp_overhead_per_layer_seconds) && tp_overhead_per_layer_seconds >= 0.0))
    out.push_back(
        fmt::format("tp_overhead_per_layer_seconds must be zero or positive, got {}", tp_overhead_per_layer_seconds));
  return out;
}

double DecodeIterationCost::seconds(double batch_size, double total_context_tokens) const {
  const double memory = weights_seconds + seconds_per_context_token * total_context_tokens;
  const double compute = compute_seconds_per_request * batch_size;
  return std::max(memory, compute) + overhead_seconds;
}

std::vector<std::string> LlmPerformanceModel::problems(const LlmModelSpec& model, const ReplicaHardware& hardware) {
  std::vector<std::string> out = model.problems();
  for (std::string& problem : hardware.problems()) out.push_back(std::move(problem));
  if (hardware.tp_overhead_per_layer_seconds > 0.0 && model.layers <= 0)
    out.push_back("tp_overhead_per_layer_seconds needs the model's layers");
  return out;
}

LlmPerformanceModel::LlmPerformanceModel(LlmModelSpec model, ReplicaHardware hardware)
    : model_(std::move(model)), hardware_(std::move(hardware)) {
  const std::vector<std::string> found = problems(model_, hardware_);
  if (!found.empty()) {
    std::string message = "invalid LLM performance model inputs:";
    for (const std::string& problem : found) message += "\n  - " + problem;
    throw std::invalid_argument(message);
  }

  // KV heads are replicated when there are more GPUs than KV heads.
  double kv_replication = 1.0;
  if (!model_.kv_bytes_per_token && model_.effective_kv_heads() < hardware_.gpus)
    kv_replication = static_cast<double>(hardware_.gpus) / model_.effective_kv_heads();
  kv_bytes_per_token_ = model_.kv_cache_bytes_per_token() * kv_replication;

  const double memory_rate = hardware_.memory_bytes_per_second();
  const double compute_rate = hardware_.compute_flops();
  decode_cost_.weights_seconds = weights_bytes() / memory_rate;
  decode_cost_.seconds_per_context_token = kv_bytes_per_token_ / memory_rate;
  decode_cost_.compute_seconds_per_request = 2.0 * model_.parameters / compute_rate;
  decode_cost_.overhead_seconds = model_.layers * hardware_.tp_overhead_per_layer_seconds;

  budget_.usable_bytes = hardware_.gpus * hardware_.gpu.memory_bytes * (1.0 - hardware_.memory_reserved_fraction);
  budget_.weights_bytes = weights_bytes();
  budget_.kv_cache_bytes = budget_.usable_bytes - budget_.weights_bytes;
  budget_.kv_bytes_per_token = kv_bytes_per_token_;
  const std::string where = fmt::format("{} x {}", hardware_.gpus, hardware_.gpu.name.empty() ? "GPU" : hardware_.gpu.name);
  if (budget_.kv_cache_bytes <= 0.0) {
    budget_.error = fmt::format(
        "the model does not fit: its weights need {:.4g} GB but {} offer {:.4g} GB after reserving {:.3g} % "
        "of memory",
        budget_.weights_bytes / 1e9, where, budget_.usable_bytes / 1e9, 100.0 * hardware_.memory_reserved_fraction);
  } else if (kv_bytes_per_token_ > 0.0) {
    const double tokens = std::floor(budget_.kv_cache_bytes / kv_bytes_per_token_);
    if (tokens < 1.0) {
      budget_.error = fmt::format(
          "the model does not fit: {} leave {:.4g} bytes after the weights, less than one token of KV cache ({:.4g} "
          "bytes)",
          where, budget_.kv_cache_bytes, kv_bytes_per_token_);
    } else {
      budget_.kv_capacity_tokens = tokens >= 9.0e18 ? std::numeric_limits<std::int64_t>::max()
                                                     : static_cast<std::int64_t>(tokens);
    }
  } else {
    // A model without a KV cache (kv_bytes_per_token given as 0): memory never limits the batch.
    budget_.kv_capacity_tokens = std::numeric_limits<std::int64_t>::max();
  }
}

std::int64_t LlmPerformanceModel::max_batch_by_memory(double context_tokens_per_request) const {
  if (!fits_in_memory()) return 0;
  if (!(context_tokens_per_request > 0.0) || kv_bytes_per_token_ <= 0.0) return std::numeric_limits<std::int64_t>::max();
  const double batch = std::floor(static_cast<double>(budget_.kv_capacity_tokens) / context_tokens_per_request);
  return batch >= 9.0e18 ? std::numeric_limits<std::int64_t>::max() : static_cast<std::int64_t>(batch);
}

double LlmPerformanceModel::prefill_flops(double tokens) const {
  double flops = 2.0 * model_.parameters * tokens;
  if (model_.count_prefill_attention_flops)
    flops += 2.0 * model_.layers * static_cast<double>(model_.hidden_size) * tokens * tokens;
  return flops;
}

double LlmPerformanceModel::prefill_seconds(double tokens) const {
  const double compute = prefill_flops(tokens) / hardware_.compute_flops();
  const double memory = (weights_bytes() + kv_bytes_per_token_ * tokens) / hardware_.memory_bytes_per_second();
  return std::max(compute, memory) + decode_cost_.overhead_seconds;
}

double LlmPerformanceModel::compute_bound_batch_size(double context_tokens_per_request) const {
  const double slope = decode_cost_.compute_seconds_per_request -
                       decode_cost_.seconds_per_context_token * context_tokens_per_request;
  if (slope <= 0.0) return std::numeric_limits<double>::infinity();
  return decode_cost_.weights_seconds / slope;
}

}  // namespace leptonsim
