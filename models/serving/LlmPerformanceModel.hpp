// LlmPerformanceModel: how long a replica of a large language model takes to
// prefill a prompt and to run one decode iteration, and how many tokens of KV
// cache fit next to its weights. Plain C++; the simulator turns these times
// into events.
//
// The model is a roofline (Williams, Waterman and Patterson, "Roofline: an
// insightful visual performance model for multicore architectures", CACM 2009):
// a step of work takes the longer of
//     its FLOPs   / (achieved FLOP/s)      (compute-bound)
//     its bytes   / (achieved bytes/s)     (memory-bound)
// where "achieved" is the datasheet peak of all G GPUs of the replica times an
// efficiency. A transformer with P parameters does about 2·P FLOPs per token
// (one multiply and one add per weight: the usual "2N" estimate of Kaplan et
// al., "Scaling laws for neural language models", 2020), and every forward
// pass reads all weights from HBM once. Hence the two regimes of LLM serving:
// prefill (many tokens per pass) is compute-bound; decode (one token per
// request per pass) is memory-bound until the batch is large enough that
// 2·P·batch FLOPs outweigh reading the weights and the KV cache.
//
// Symbols used below (all SI units):
//   P      parameters                         b_w  bytes per parameter
//   W      weights bytes = P · b_w            G    GPUs of the replica (tensor parallel degree)
//   F      GPU dense BF16 peak, FLOP/s        η_c  compute efficiency (MFU)
//   HBM    GPU memory, bytes                  BW   GPU memory bandwidth, bytes/s
//   η_m    memory-bandwidth efficiency        r    reserved memory fraction
//   L      layers      d  hidden size         h    attention heads   h_kv  KV heads
//   b_kv   bytes per KV element               k    KV-cache bytes per token of context
//   O      tensor-parallel overhead per forward pass = L · (overhead per layer)
//
// Tensor parallelism is modelled as a perfect split of FLOPs, weights and bytes
// over the G GPUs plus the fixed per-layer overhead O (the two all-reduces of
// each layer; 0 by default). Pipeline parallelism is not modelled.
#pragma once

#include "catalog/HardwareCatalog.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace leptonsim {

// What a model is: its size and the shape of its attention (for the KV cache).
struct LlmModelSpec {
  double parameters = 0.0;            // P, e.g. 70e9
  double bytes_per_parameter = 2.0;   // b_w: 2 for BF16/FP16 weights, 1 for FP8/INT8
  int layers = 0;                     // L (0 = unknown: give kv_bytes_per_token)
  int hidden_size = 0;                // d (0 = unknown)
  int attention_heads = 0;            // h, query heads (0 = unknown)
  int kv_heads = 0;                   // h_kv; 0 = same as attention_heads (multi-head attention);
                                      // fewer for grouped-query attention, 1 for multi-query attention
  double kv_bytes_per_element = 2.0;  // b_kv: 2 for a BF16 KV cache, 1 for FP8
  // KV-cache bytes per token of context, given directly. When set it wins over
  // the architecture fields, which may then stay 0.
  std::optional<double> kv_bytes_per_token;
  // Count the causal attention FLOPs of prefill (2·L·d·n² for an n-token
  // prompt) on top of 2·P·n. Needs layers and hidden_size. Off by default: it
  // adds ~1 % at 1k tokens and ~30 % at 32k tokens for a 70B model.
  bool count_prefill_attention_flops = false;

  // W = P · b_w.
  double weights_bytes() const { return parameters * bytes_per_parameter; }
  // k = 2 (K and V) · L · h_kv · (d / h) · b_kv, or kv_bytes_per_token when given.
  // Example, Llama-2-70B (L 80, d 8192, h 64, h_kv 8, BF16): 2·80·8·128·2 = 327,680 bytes.
  double kv_cache_bytes_per_token() const;
  int head_dim() const { return attention_heads > 0 ? hidden_size / attention_heads : 0; }
  int effective_kv_heads() const { return kv_heads > 0 ? kv_heads : attention_heads; }
  bool has_architecture() const { return layers > 0 && hidden_size > 0 && attention_heads > 0; }
  // Every problem with the values, each as one sentence; empty when valid.
  std::vector<std::string> problems() const;
};

// The GPUs a replica runs on and how well the serving engine uses them.
struct ReplicaHardware {
  GpuType gpu;                               // from the hardware catalogue
  int gpus = 1;                              // G, tensor-parallel degree
  double compute_efficiency = 0.5;           // η_c, achieved fraction of peak FLOP/s (MFU)
  double memory_efficiency = 0.8;            // η_m, achieved fraction of HBM bandwidth
  double memory_reserved_fraction = 0.1;     // r, HBM kept for activations, CUDA graphs, fragmentation
  double tp_overhead_per_layer_seconds = 0;  // all-reduce latency per layer and forward pass

  double compute_flops() const { return gpus * gpu.dense_bf16_flops * compute_efficiency; }   // G·F·η_c
  double memory_bytes_per_second() const { return gpus * gpu.memory_bandwidth * memory_efficiency; }  // G·BW·η_m
  std::vector<std::string> problems() const;
};

// The cost of one decode iteration as an affine function of the batch's total
// context, split into the terms the fluid decode batch needs to integrate it:
//   T(B, C) = max(weights_seconds + seconds_per_context_token · C,
//                 compute_seconds_per_request · B) + overhead_seconds
struct DecodeIterationCost {
  double weights_seconds = 0.0;              // W / (G·BW·η_m)
  double seconds_per_context_token = 0.0;    // k_eff / (G·BW·η_m)
  double compute_seconds_per_request = 0.0;  // 2·P / (G·F·η_c)
  double overhead_seconds = 0.0;             // O

  double seconds(double batch_size, double total_context_tokens) const;
};

// Where the replica's memory goes. When the model does not fit, fits() is
// false, kv_capacity_tokens is 0 and error says why.
struct MemoryBudget {
  double usable_bytes = 0.0;        // G · HBM · (1 − r)
  double weights_bytes = 0.0;       // W
  double kv_cache_bytes = 0.0;      // usable − W (negative when the weights do not fit)
  double kv_bytes_per_token = 0.0;  // k_eff
  std::int64_t kv_capacity_tokens = 0;
  std::string error;                // empty when the model fits
  bool fits() const { return error.empty(); }
};

class LlmPerformanceModel {
public:
  // Throws std::invalid_argument listing every problem of the inputs (use
  // problems() first to report them without exceptions). A model that is valid
  // but too large for the replica is NOT an exception: see memory_budget().
  LlmPerformanceModel(LlmModelSpec model, ReplicaHardware hardware);

  // All problems of a (model, hardware) pair, each one sentence.
  static std::vector<std::string> problems(const LlmModelSpec& model, const ReplicaHardware& hardware);

  const LlmModelSpec& model() const { return model_; }
  const ReplicaHardware& hardware() const { return hardware_; }

  // W = P · b_w.
  double weights_bytes() const { return model_.weights_bytes(); }

  // KV bytes per token of context over the whole replica:
  //   k_eff = k · max(1, G / h_kv).
  // With more GPUs than KV heads, tensor-parallel engines replicate each KV head
  // on G / h_kv GPUs (vLLM does), so the cache costs more memory. When k is
  // given directly (no architecture), k_eff = k.
  double kv_bytes_per_token() const { return kv_bytes_per_token_; }

  // Memory: usable = G·HBM·(1 − r); KV capacity = floor((usable − W) / k_eff)
  // tokens. The model does not fit when usable − W leaves less than one token.
  MemoryBudget memory_budget() const { return budget_; }
  bool fits_in_memory() const { return budget_.fits(); }
  // Tokens of KV cache the replica holds; 0 when the model does not fit.
  std::int64_t kv_capacity_tokens() const { return budget_.kv_capacity_tokens; }
  // Requests of `context_tokens_per_request` tokens each whose KV cache fits at
  // once: floor(capacity / context). 0 when the model does not fit.
  std::int64_t max_batch_by_memory(double context_tokens_per_request) const;

  // FLOPs of prefilling an n-token prompt: 2·P·n, plus 2·L·d·n² when
  // count_prefill_attention_flops (causal attention: QKᵀ and A·V are 2·d·n²
  // FLOPs each per layer for all n² pairs, halved by the causal mask).
  double prefill_flops(double tokens) const;
  // Prefill of an n-token prompt, roofline:
  //   max(prefill_flops(n) / (G·F·η_c), (W + k_eff·n) / (G·BW·η_m)) + O
  // (the memory term reads the weights once and writes the prompt's KV cache).
  // Compute-bound for all but very short prompts.
  double prefill_seconds(double tokens) const;

  // One decode iteration producing one token for each of `batch_size` requests
  // whose KV caches hold `total_context_tokens` tokens in all:
  //   memory-bound:  (W + k_eff · C) / (G·BW·η_m)
  //   compute-bound: 2·P·B / (G·F·η_c)
  //   T = max(memory, compute) + O.
  // Attention FLOPs of decode (4·L·d per token of context) are neglected: at
  // decode they are small next to 2·P per token, and their bytes (the KV cache)
  // are in the memory term.
  double decode_iteration_seconds(double batch_size, double total_context_tokens) const {
    return decode_cost_.seconds(batch_size, total_context_tokens);
  }
  const DecodeIterationCost& decode_cost() const { return decode_cost_; }

  // The batch size at which decode turns compute-bound when each request has
  // `context_tokens_per_request` tokens of context: the B where
  //   (W + k_eff·c·B) / (G·BW·η_m) = 2·P·B / (G·F·η_c),
  //   B* = W/(G·BW·η_m) / (2·P/(G·F·η_c) − k_eff·c/(G·BW·η_m)).
  // +infinity when the KV term alone grows as fast as compute (never compute-bound).
  double compute_bound_batch_size(double context_tokens_per_request) const;

private:
  LlmModelSpec model_;
  ReplicaHardware hardware_;
  double kv_bytes_per_token_ = 0.0;
  MemoryBudget budget_;
  DecodeIterationCost decode_cost_;
};

}  // namespace leptonsim
