#include "load_balancing/LoadBalancer.hpp"
// The interface is header-only; this file anchors the library's vtable.
