// docs/scenario-reference.md is generated from the schema table; this test keeps
// the file in the repository equal to the generated text.
//
// To regenerate the file after changing the schema:
//   LEPTONSIM_REGENERATE_DOCS=1 build/bin/leptonsim_unit_tests "[scenario-reference]"
#include "ScenarioLoader.hpp"
#include "ScenarioSchema.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <set>
#include <string>

using namespace leptonsim;

namespace {

const std::string reference_path = std::string(LEPTONSIM_SOURCE_DIR) + "/docs/scenario-reference.md";

std::string read_reference() {
  std::ifstream in(reference_path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool regeneration_requested() {
  const char* value = std::getenv("LEPTONSIM_REGENERATE_DOCS");
  return value != nullptr && std::string(value) == "1";
}

}  // namespace

TEST_CASE("docs/scenario-reference.md is the generated reference", "[scenario-reference]") {
  const std::string generated = scenario_reference_markdown();
  if (regeneration_requested()) {
    std::ofstream out(reference_path, std::ios::binary | std::ios::trunc);
    out << generated;
    REQUIRE(out.good());
    WARN("rewrote " << reference_path);
  }
  const std::string on_disk = read_reference();
  INFO(reference_path << " is out of date with the schema in scenarios/loader/ScenarioSchema.cpp.\n"
                      << "Regenerate it with:\n  LEPTONSIM_REGENERATE_DOCS=1 build/bin/leptonsim_unit_tests "
                         "\"[scenario-reference]\"");
  CHECK(on_disk == generated);
}

TEST_CASE("the reference documents every schema key", "[scenario-reference]") {
  const std::string doc = read_reference();
  REQUIRE_FALSE(doc.empty());
  for (const auto& entry : scenario_schema()) {
    INFO("key path missing from the reference: " << entry.path);
    CHECK(doc.find("| `" + entry.path + "` |") != std::string::npos);
    CHECK_FALSE(entry.description.empty());
  }
}

TEST_CASE("the reference explains units and --set", "[scenario-reference]") {
  const std::string doc = scenario_reference_markdown();
  for (QuantityKind kind : all_quantity_kinds()) {
    INFO(quantity_kind_name(kind));
    CHECK(doc.find(std::string(quantity_examples(kind))) != std::string::npos);
  }
  CHECK(doc.find("--set services[0].replicas=8") != std::string::npos);
  CHECK(doc.find("LEPTONSIM_REGENERATE_DOCS=1") != std::string::npos);
  CHECK(doc.back() == '\n');
}

TEST_CASE("the schema table is well formed", "[scenario-reference]") {
  std::set<std::string> paths;
  for (const auto& entry : scenario_schema()) {
    INFO(entry.path);
    CHECK(paths.insert(entry.path).second);  // no duplicates
    // The parent of every key is in the table and can hold keys.
    if (!entry.parent().empty()) {
      std::string parent = entry.parent();
      const bool list_item = parent.size() > 2 && parent.compare(parent.size() - 2, 2, "[]") == 0;
      if (list_item) parent.resize(parent.size() - 2);
      const SchemaEntry* parent_entry = find_schema_entry(parent);
      REQUIRE(parent_entry != nullptr);
      if (list_item) {
        CHECK(parent_entry->type == ValueType::list);
        CHECK(parent_entry->element == ValueType::map);
      } else {
        CHECK((parent_entry->type == ValueType::map || parent_entry->type == ValueType::distribution));
      }
    }
    if (entry.type == ValueType::choice) CHECK_FALSE(entry.choices.empty());
    // A default written as a value must be valid for its own entry.
    if (!entry.default_text.empty() && entry.default_text.find(' ') == std::string::npos &&
        (entry.type == ValueType::quantity || entry.type == ValueType::distribution)) {
      const QuantityResult result = try_parse_quantity(entry.quantity, entry.default_text);
      CHECK(result.ok());
    }
  }
}
