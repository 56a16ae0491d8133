#include "CompletionDispatch.hpp"

#include <simgrid/kernel/Timer.hpp>

namespace sg4 = simgrid::s4u;

namespace leptonsim {
namespace {

std::vector<sg4::ActivityPtr>& retired_execs() {
  static std::vector<sg4::ActivityPtr> retired;
  return retired;
}

std::vector<sg4::ActivityPtr>& cancelled_execs() {
  static std::vector<sg4::ActivityPtr> cancelled;
  return cancelled;
}

}  // namespace

void CompletionDispatch::install() {
  static bool installed = false;
  if (installed) return;
  installed = true;
  sg4::Activity::on_completion_cb([](const sg4::Activity& activity) {
    // Activities retired earlier in this scheduling round are fully processed now.
    retired_execs().clear();
    auto* handler = activity.get_data<CompletionHandler>();
    if (handler != nullptr && activity.get_state() == sg4::Activity::State::FINISHED)
      handler->on_activity_complete(activity);
  });
}

void CompletionDispatch::start(const sg4::ExecPtr& exec, CompletionHandler* handler) {
  exec->set_data(handler);
  exec->start();
}

void CompletionDispatch::retire(sg4::ActivityPtr activity) { retired_execs().push_back(std::move(activity)); }

void CompletionDispatch::keep_until_end(sg4::ActivityPtr activity) { cancelled_execs().push_back(std::move(activity)); }

void CompletionDispatch::start(const sg4::ActivityPtr& activity, CompletionHandler* handler) {
  activity->set_data(handler);
  activity->start();
}

void CompletionDispatch::release_all() {
  retired_execs().clear();
  cancelled_execs().clear();
}

void schedule_at(double date, std::function<void()> callback) {
  simgrid::kernel::timer::Timer::set(date, std::move(callback));
}

}  // namespace leptonsim
