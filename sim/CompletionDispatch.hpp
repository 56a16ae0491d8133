// Completion callbacks for activities started in maestro context.
//
// The request path runs without actors (DESIGN.md: no actor per request):
// arrivals are kernel timers and each service step is an Exec started from a
// timer or a completion callback. SimGrid 3.32 fires Activity::on_completion
// for such maestro-owned activities; the activity's data points to the
// CompletionHandler that owns it.
#pragma once

#include <simgrid/s4u.hpp>
#include <vector>

namespace leptonsim {

class CompletionHandler {
public:
  virtual ~CompletionHandler() = default;
  virtual void on_activity_complete(const simgrid::s4u::Activity& activity) = 0;
};

class CompletionDispatch {
public:
  // Connects the global completion signal (once per process).
  static void install();
  // Starts `exec` in maestro context with `handler` to call on completion.
  static void start(const simgrid::s4u::ExecPtr& exec, CompletionHandler* handler);
  // Keeps finished activities alive until SimGrid is done with them: an
  // activity must not be destroyed inside its own completion callback.
  static void retire(simgrid::s4u::ActivityPtr activity);
  // Keeps a cancelled activity alive until the end of the run: SimGrid may
  // process its end after later completions.
  static void keep_until_end(simgrid::s4u::ActivityPtr activity);
  // Starts any activity (a Comm, an Io) in maestro context with `handler` to call on completion.
  static void start(const simgrid::s4u::ActivityPtr& activity, CompletionHandler* handler);
  // Drops every retired activity; call after Engine::run() returns.
  static void release_all();
};

// Runs `callback` at simulated time `date` in maestro context.
void schedule_at(double date, std::function<void()> callback);

}  // namespace leptonsim
