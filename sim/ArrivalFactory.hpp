// Builds a service's arrival process from its scenario description.
#pragma once

#include "ScenarioSpec.hpp"
#include "workload/ArrivalProcess.hpp"

#include <filesystem>
#include <memory>

namespace leptonsim {

// The trace file of `trace`, relative to the folder of the scenario file.
std::filesystem::path resolve_trace_path(const TraceSpec& trace, const std::string& scenario_path);

// Throws TraceError (file:line of a bad trace row) or std::invalid_argument.
std::unique_ptr<ArrivalProcess> make_arrival_process(const ArrivalSpec& spec, const std::string& scenario_path);

// No arrivals at all: a routed service's deployment gets its requests from its router.
std::unique_ptr<ArrivalProcess> make_no_arrivals();

}  // namespace leptonsim
