#include "replication/RedundancyScheme.hpp"

#include <fmt/format.h>
#include <stdexcept>

namespace leptonsim {

RedundancyScheme::RedundancyScheme(std::string name, int pieces, int pieces_needed)
    : name_(std::move(name)), pieces_(pieces), pieces_needed_(pieces_needed) {
  if (pieces_needed < 1 || pieces < pieces_needed)
    throw std::invalid_argument(fmt::format("redundancy {}: needs 1 <= pieces needed ({}) <= pieces ({})", name_,
                                            pieces_needed, pieces));
}

PolicyInfo RedundancyScheme::replication_info() {
  return PolicyInfo{"", "replication", "R full copies of every chunk on R different nodes; survives R - 1 losses",
                    {{"factor", 3, 1, 16, "copies of each chunk (R)"}}};
}

PolicyInfo RedundancyScheme::erasure_coding_info() {
  return PolicyInfo{"", "erasure_coding",
                    "Reed-Solomon RS(k, m): k data and m parity fragments of chunk / k bytes on k + m nodes; "
                    "any k rebuild the chunk, survives m losses",
                    {{"data", 6, 1, 64, "data fragments per chunk (k)"},
                     {"parity", 3, 1, 32, "parity fragments per chunk (m)"}}};
}

void register_redundancy_schemes(RedundancyRegistry& registry) {
  registry.add(RedundancyScheme::replication_info(), [](const PolicyParams& params) {
    const int factor = static_cast<int>(params.get("factor"));
    return std::make_unique<RedundancyScheme>(fmt::format("replication(R={})", factor), factor, 1);
  });
  registry.add(RedundancyScheme::erasure_coding_info(), [](const PolicyParams& params) {
    const int k = static_cast<int>(params.get("data"));
    const int m = static_cast<int>(params.get("parity"));
    return std::make_unique<RedundancyScheme>(fmt::format("RS({},{})", k, m), k + m, k);
  });
}

}  // namespace leptonsim
