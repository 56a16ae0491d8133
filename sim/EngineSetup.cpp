#include "EngineSetup.hpp"

namespace leptonsim {

std::unique_ptr<simgrid::s4u::Engine> create_engine() {
  static char program[] = "leptonsim";
  static char log_option[] = "--log=root.thres:warning";
  static char* argv[] = {program, log_option, nullptr};
  int argc = 2;
  auto engine = std::make_unique<simgrid::s4u::Engine>(&argc, argv);
  engine->set_config("network/model:CM02");
  engine->set_config("network/crosstraffic:0");
  engine->set_config("network/TCP-gamma:0");
  return engine;
}

}  // namespace leptonsim
