// HardwareCatalog: the built-in catalogue (data/*.yaml compiled in) and the parser.
#include "catalog/HardwareCatalog.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

using leptonsim::HardwareCatalog;

namespace {

// Parses and returns the error message; fails the test if parsing succeeds.
std::string parse_error(const std::string& gpus, const std::string& shapes) {
  try {
    HardwareCatalog::parse(gpus, "gpus.yaml", shapes, "node_shapes.yaml");
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  FAIL("parse succeeded but an error was expected");
  return {};
}

const std::string kOneGpu = R"(gpus:
  - name: X1
    dense_bf16: 1PFLOPS
    memory: 96GiB
    memory_bandwidth: 4TBps
    nvlink: 400Gbps
    idle_power: 50W
    max_power: 1kW
)";

const std::string kOneShape = R"(node_shapes:
  - name: x1x4
    gpu: X1
    gpus: 4
    cpu_cores: 64
    cpu: 2.5TFLOPS
    nic: 800Gbps
    pcie: 64GBps
    price: $12.5/h
    base_power: 1.5kW
    off_power: 0
)";

}  // namespace

TEST_CASE("builtin catalogue has the four main GPU types in SI units", "[catalog]") {
  const HardwareCatalog& catalog = HardwareCatalog::builtin();
  for (const char* name : {"H100-SXM", "H200", "A100-80GB", "L40S"}) {
    INFO(name);
    REQUIRE(catalog.find_gpu(name) != nullptr);
  }

  const auto* h100 = catalog.find_gpu("H100-SXM");
  CHECK(h100->name == "H100-SXM");
  CHECK(h100->dense_bf16_flops == Approx(989e12).epsilon(0.01));
  CHECK(h100->memory_bytes == Approx(80e9));
  CHECK(h100->memory_bandwidth == Approx(3.35e12));
  CHECK(h100->nvlink_bandwidth == Approx(450e9));  // 900 GB/s bidirectional, stored per direction
  CHECK(h100->max_power_watts == Approx(700.0));
  CHECK(h100->idle_power_watts > 0.0);
  CHECK(h100->idle_power_watts < h100->max_power_watts);

  const auto* h200 = catalog.find_gpu("H200");
  CHECK(h200->memory_bytes == Approx(141e9));
  CHECK(h200->memory_bandwidth == Approx(4.8e12));

  const auto* a100 = catalog.find_gpu("A100-80GB");
  CHECK(a100->dense_bf16_flops == Approx(312e12));
  CHECK(a100->nvlink_bandwidth == Approx(300e9));
  CHECK(a100->max_power_watts == Approx(400.0));

  const auto* l40s = catalog.find_gpu("L40S");
  CHECK(l40s->nvlink_bandwidth == 0.0);
  CHECK(l40s->memory_bytes == Approx(48e9));
  CHECK(l40s->max_power_watts == Approx(350.0));
}

TEST_CASE("builtin node shapes reference existing GPU types", "[catalog]") {
  const HardwareCatalog& catalog = HardwareCatalog::builtin();
  const auto shapes = catalog.node_shape_names();
  for (const char* name : {"h100x8", "h200x8", "a100x8", "l40sx8"}) {
    INFO(name);
    REQUIRE(catalog.find_node_shape(name) != nullptr);
  }
  for (const auto& name : shapes) {
    INFO(name);
    const auto* shape = catalog.find_node_shape(name);
    REQUIRE(shape != nullptr);
    CHECK(catalog.find_gpu(shape->gpu_type) != nullptr);
    CHECK(shape->gpus > 0);
    CHECK(shape->cpu_cores > 0);
    CHECK(shape->nic_bandwidth > 0.0);
    CHECK(shape->pcie_bandwidth > 0.0);
    CHECK(shape->price_per_hour > 0.0);
  }

  const auto* h100x8 = catalog.find_node_shape("h100x8");
  CHECK(h100x8->gpu_type == "H100-SXM");
  CHECK(h100x8->gpus == 8);
  CHECK(h100x8->cpu_cores == 112);
  CHECK(h100x8->nic_bandwidth == Approx(3.2e12 / 8));  // 8 x 400 Gb/s
  CHECK(h100x8->pcie_bandwidth == Approx(64e9));
  CHECK(h100x8->price_per_hour == Approx(98.32));
}

TEST_CASE("unknown names return nullptr", "[catalog]") {
  const HardwareCatalog& catalog = HardwareCatalog::builtin();
  CHECK(catalog.find_gpu("H100") == nullptr);
  CHECK(catalog.find_gpu("") == nullptr);
  CHECK(catalog.find_node_shape("h100x16") == nullptr);
}

TEST_CASE("catalogue units are parsed into SI values", "[catalog]") {
  const auto catalog = HardwareCatalog::parse(kOneGpu, "gpus.yaml", kOneShape, "node_shapes.yaml");
  const auto* gpu = catalog.find_gpu("X1");
  REQUIRE(gpu != nullptr);
  CHECK(gpu->dense_bf16_flops == Approx(1e15));
  CHECK(gpu->memory_bytes == Approx(96.0 * 1024 * 1024 * 1024));
  CHECK(gpu->memory_bandwidth == Approx(4e12));
  CHECK(gpu->nvlink_bandwidth == Approx(50e9));  // bits -> bytes
  CHECK(gpu->idle_power_watts == Approx(50.0));
  CHECK(gpu->max_power_watts == Approx(1000.0));
  const auto* shape = catalog.find_node_shape("x1x4");
  REQUIRE(shape != nullptr);
  CHECK(shape->cpu_flops == Approx(2.5e12));
  CHECK(shape->nic_bandwidth == Approx(100e9));
  CHECK(shape->pcie_bandwidth == Approx(64e9));
  CHECK(shape->price_per_hour == Approx(12.5));
  CHECK(shape->base_power_watts == Approx(1500.0));
  CHECK(shape->off_power_watts == 0.0);
  CHECK(catalog.gpu_names() == std::vector<std::string>{"X1"});
  CHECK(catalog.node_shape_names() == std::vector<std::string>{"x1x4"});

  // A bare 0 is accepted where zero is a valid value (no NVLink); other bare numbers are not.
  std::string no_nvlink = kOneGpu;
  no_nvlink.replace(no_nvlink.find("400Gbps"), 7, "0");
  CHECK(HardwareCatalog::parse(no_nvlink, "gpus.yaml", kOneShape, "node_shapes.yaml").find_gpu("X1")->nvlink_bandwidth == 0.0);
  no_nvlink.replace(no_nvlink.find("nvlink: 0"), 9, "nvlink: 5");
  CHECK_THAT(parse_error(no_nvlink, kOneShape), Catch::Contains("gpus.yaml:6:"));
}

TEST_CASE("parse errors name the file and line", "[catalog]") {
  SECTION("a bad unit names the file, line and key") {
    std::string gpus = kOneGpu;
    gpus.replace(gpus.find("96GiB"), 5, "96 gigs");
    const auto message = parse_error(gpus, kOneShape);
    CHECK_THAT(message, Catch::Contains("gpus.yaml:4:"));
    CHECK_THAT(message, Catch::Contains("gpus[0].memory"));
    CHECK_THAT(message, Catch::Contains("96 gigs"));
  }
  SECTION("a dimension mismatch is an error") {
    std::string gpus = kOneGpu;
    gpus.replace(gpus.find("4TBps"), 5, "4TB");
    CHECK_THAT(parse_error(gpus, kOneShape), Catch::Contains("gpus.yaml:5:"));
  }
  SECTION("a node shape naming an unknown GPU points into the node shape file") {
    std::string shapes = kOneShape;
    shapes.replace(shapes.find("gpu: X1"), 7, "gpu: X2");
    const auto message = parse_error(kOneGpu, shapes);
    CHECK_THAT(message, Catch::Contains("node_shapes.yaml:3:"));
    CHECK_THAT(message, Catch::Contains("X2"));
  }
  SECTION("an unknown key is reported with a suggestion") {
    std::string gpus = kOneGpu;
    gpus.replace(gpus.find("max_power"), 9, "max_powr");
    const auto message = parse_error(gpus, kOneShape);
    CHECK_THAT(message, Catch::Contains("gpus.yaml:8:"));
    CHECK_THAT(message, Catch::Contains("did you mean 'max_power'"));
  }
  SECTION("YAML syntax errors carry the line") {
    const auto message = parse_error("gpus:\n  - name: [unclosed\n", kOneShape);
    CHECK_THAT(message, Catch::Contains("gpus.yaml:"));
  }
  SECTION("a bad price and a bad count are both reported at once") {
    std::string shapes = kOneShape;
    shapes.replace(shapes.find("$12.5/h"), 7, "12.5");
    shapes.replace(shapes.find("gpus: 4"), 7, "gpus: four");
    const auto message = parse_error(kOneGpu, shapes);
    CHECK_THAT(message, Catch::Contains("node_shapes.yaml:4:"));
    CHECK_THAT(message, Catch::Contains("node_shapes.yaml:9:"));
  }
  SECTION("duplicate names are rejected") {
    const std::string two = kOneGpu + kOneGpu.substr(kOneGpu.find("  - name"));
    CHECK_THAT(parse_error(two, kOneShape), Catch::Contains("duplicate GPU type 'X1'"));
  }
}
