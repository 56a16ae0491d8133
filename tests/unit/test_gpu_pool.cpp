// GpuPool: best-fit packing, spreading, release, site and type constraints.
#include "scheduling/GpuPool.hpp"

#include <catch2/catch.hpp>

using namespace leptonsim;

namespace {

GpuPool three_nodes() {
  return GpuPool({{"a", "H100-SXM", 8}, {"a", "H100-SXM", 8}, {"b", "L40S", 8}});
}

}  // namespace

TEST_CASE("pack fills the fullest node that fits, spread the emptiest", "[gpu-pool]") {
  GpuPool pool = three_nodes();
  const auto first = pool.allocate("a", "H100-SXM", 2, PlacementStrategy::pack);
  REQUIRE(first);
  CHECK(first->node == 0);
  CHECK(first->gpu_indices == std::vector<int>{0, 1});
  // Node 0 has 6 free, node 1 has 8: pack picks node 0, spread picks node 1.
  CHECK(pool.allocate("a", "H100-SXM", 2, PlacementStrategy::pack)->node == 0);
  CHECK(pool.allocate("a", "H100-SXM", 2, PlacementStrategy::spread)->node == 1);
  // A replica of 6 GPUs no longer fits on node 0 (4 free) but does on node 1 (6 free).
  CHECK(pool.allocate("a", "H100-SXM", 6, PlacementStrategy::pack)->node == 1);
  CHECK(pool.allocated_gpus() == 12);
  CHECK_FALSE(pool.allocate("a", "H100-SXM", 5, PlacementStrategy::pack));
}

TEST_CASE("site and GPU type constrain placement and release frees exactly the GPUs", "[gpu-pool]") {
  GpuPool pool = three_nodes();
  CHECK_FALSE(pool.allocate("b", "H100-SXM", 1, PlacementStrategy::pack));
  const auto l40s = pool.allocate("b", "L40S", 8, PlacementStrategy::pack);
  REQUIRE(l40s);
  CHECK(l40s->node == 2);
  CHECK_FALSE(pool.allocate("b", "L40S", 1, PlacementStrategy::pack));
  pool.release(*l40s);
  CHECK(pool.free_gpus(2) == 8);
  CHECK_THROWS_AS(pool.release(*l40s), std::logic_error);
  // Freed GPUs in the middle of a node are reused, lowest index first.
  const auto x = pool.allocate("a", "H100-SXM", 3, PlacementStrategy::pack);
  const auto y = pool.allocate("a", "H100-SXM", 3, PlacementStrategy::pack);
  pool.release(*x);
  const auto z = pool.allocate("a", "H100-SXM", 2, PlacementStrategy::pack);
  CHECK(z->node == y->node);
  CHECK(z->gpu_indices == std::vector<int>{0, 1});
  CHECK(pool.total_gpus() == 24);
}
