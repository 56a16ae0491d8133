#include "ArrivalFactory.hpp"

#include "workload/DiurnalArrivals.hpp"
#include "workload/MmppArrivals.hpp"
#include "workload/PoissonArrivals.hpp"
#include "workload/SpikeArrivals.hpp"
#include "workload/TraceArrivals.hpp"

#include <stdexcept>

namespace leptonsim {

std::filesystem::path resolve_trace_path(const TraceSpec& trace, const std::string& scenario_path) {
  const std::filesystem::path path(trace.path);
  if (path.is_absolute() || scenario_path.empty()) return path;
  return std::filesystem::path(scenario_path).parent_path() / path;
}

std::unique_ptr<ArrivalProcess> make_arrival_process(const ArrivalSpec& spec, const std::string& scenario_path) {
  if (spec.process == "trace") {
    const std::filesystem::path path = resolve_trace_path(spec.trace, scenario_path);
    TraceReplayOptions options;
    options.time_scale = spec.trace.time_scale;
    options.rate_scale = spec.trace.rate_scale;
    options.start_offset = spec.trace.start_offset;
    options.loop = spec.trace.loop;
    options.max_requests = spec.trace.max_requests;
    return std::make_unique<TraceArrivals>(read_request_trace(parse_trace_format(spec.trace.format), path), options,
                                           path.string());
  }
  if (spec.process == "mmpp")
    return std::make_unique<MmppArrivals>(spec.rate, spec.burst_rate, spec.calm_duration, spec.burst_duration);
  std::shared_ptr<const RateFunction> rate;
  if (spec.process == "diurnal")
    rate = std::make_shared<SinusoidalRate>(spec.rate, spec.peak_to_trough, spec.period, spec.phase);
  else if (spec.process == "poisson")
    rate = std::make_shared<ConstantRate>(spec.rate);
  else
    throw std::invalid_argument("unknown arrival process '" + spec.process + "'");
  if (spec.spikes.empty()) {
    if (spec.process == "poisson") return std::make_unique<PoissonArrivals>(spec.rate);
    return std::make_unique<DiurnalArrivals>(spec.rate, spec.peak_to_trough, spec.period, spec.phase);
  }
  std::vector<RateSpike> spikes;
  for (const SpikeSpec& spike : spec.spikes) spikes.push_back(RateSpike{spike.start, spike.duration, spike.multiplier});
  return std::make_unique<SpikeArrivals>(rate, std::move(spikes));
}

namespace {

class NoArrivals final : public ArrivalProcess {
public:
  std::optional<Arrival> next(RandomStream&) override { return std::nullopt; }
  double mean_rate() const override { return 0.0; }
  std::string describe() const override { return "none (requests come from the service's router)"; }
};

}  // namespace

std::unique_ptr<ArrivalProcess> make_no_arrivals() { return std::make_unique<NoArrivals>(); }

}  // namespace leptonsim
