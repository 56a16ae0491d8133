#include "failures/FailureGenerator.hpp"

namespace leptonsim {

FailureGenerator::FailureGenerator(std::vector<FailureClassModel> classes, std::vector<TraceFailure> trace,
                                   std::uint64_t root_seed)
    : classes_(std::move(classes)), trace_(std::move(trace)) {
  std::vector<Pending> initial;
  for (std::size_t c = 0; c < classes_.size(); ++c) {
    streams_.push_back(make_stream(root_seed, "failures/" + classes_[c].name));
    const auto count = static_cast<std::int64_t>(classes_[c].components.size());
    for (std::int64_t k = 0; k < count; ++k)
      initial.push_back(Pending{classes_[c].time_to_failure.sample(streams_[c]), static_cast<int>(c), k});
  }
  pending_ = decltype(pending_)(std::greater<>(), std::move(initial));
}

std::optional<FailureOccurrence> FailureGenerator::next() {
  const bool has_drawn = !pending_.empty();
  const bool has_trace = next_trace_ < trace_.size();
  if (!has_drawn && !has_trace) return std::nullopt;
  // A trace row goes first on a tie: it is given, not drawn.
  if (has_trace && (!has_drawn || trace_[next_trace_].time <= pending_.top().time)) {
    const TraceFailure& row = trace_[next_trace_++];
    return FailureOccurrence{row.time, row.repair, -1, row.cause, row.component, row.notice};
  }
  const Pending top = pending_.top();
  pending_.pop();
  FailureClassModel& model = classes_[static_cast<std::size_t>(top.class_index)];
  RandomStream& stream = streams_[static_cast<std::size_t>(top.class_index)];
  FailureOccurrence occurrence{top.time, model.repair.sample(stream), top.class_index, model.name,
                               model.components[static_cast<std::size_t>(top.component)], model.notice};
  // The same component fails again after its repair plus a new time to failure.
  pending_.push(Pending{top.time + occurrence.repair + model.time_to_failure.sample(stream), top.class_index,
                        top.component});
  return occurrence;
}

}  // namespace leptonsim
