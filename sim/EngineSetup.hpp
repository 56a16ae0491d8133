// Creates the process's SimGrid engine, configured as leptonsim is validated:
// quiet logging, and the CM02 network model without cross-traffic or TCP
// window limit, so an idle transfer takes latency + bytes / bottleneck.
#pragma once

#include <memory>
#include <simgrid/s4u.hpp>

namespace leptonsim {

std::unique_ptr<simgrid::s4u::Engine> create_engine();

}  // namespace leptonsim
