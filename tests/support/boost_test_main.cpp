// The one Boost.Test module main shared by every `*.test.cpp` executable.
#define BOOST_TEST_MODULE easymo
#include <boost/test/unit_test.hpp>
