#include "EngineSetup.hpp"

namespace leptonsim {

std::unique_ptr<simgrid::s4u::Engine> create_engine() {
  static char program[] = "leptonsim";
  static char log_option[] = "--log=root.thres:warning";
#if defined(__SANITIZE_ADDRESS__)
  // The Debian SimGrid does not tell AddressSanitizer when it switches between
  // actor stacks, so an exception thrown in an actor (a cancelled or failed
  // transfer) is reported as a stack overflow. Threads have stacks ASan knows.
  // The context factory is chosen when the engine is made: a command-line option.
  static char context_option[] = "--cfg=contexts/factory:thread";
  static char* argv[] = {program, log_option, context_option, nullptr};
  int argc = 3;
#else
  static char* argv[] = {program, log_option, nullptr};
  int argc = 2;
#endif
  auto engine = std::make_unique<simgrid::s4u::Engine>(&argc, argv);
  engine->set_config("network/model:CM02");
  engine->set_config("network/crosstraffic:0");
  engine->set_config("network/TCP-gamma:0");
  return engine;
}

}  // namespace leptonsim
