// CAF's unit-test engine and main, shared by every `*.actor.cpp` executable.
#include <caf/test/unit_test_impl.hpp>
