// The Prometheus text format: HELP and TYPE lines, labels, cumulative buckets.
#include "runtime/metrics.hpp"

#include <boost/test/unit_test.hpp>

#include <thread>

using namespace easymo::metrics;

BOOST_AUTO_TEST_CASE(counters_and_gauges_render_with_labels) {
  registry reg;
  reg.counters("t_requests_total", "Requests", {"route", "status"})
    .with({"/webhook", "200"})
    .inc(3);
  reg.gauges("t_depth", "Depth").with().set(7);
  auto text = reg.render();
  BOOST_CHECK(text.find("# HELP t_requests_total Requests\n") != std::string::npos);
  BOOST_CHECK(text.find("# TYPE t_requests_total counter\n") != std::string::npos);
  BOOST_CHECK(text.find("t_requests_total{route=\"/webhook\",status=\"200\"} 3\n")
              != std::string::npos);
  BOOST_CHECK(text.find("# TYPE t_depth gauge\nt_depth 7\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(histograms_have_cumulative_buckets_sum_and_count) {
  registry reg;
  auto& h = reg.histograms("t_latency_seconds", "Latency", {}, {0.1, 1}).with();
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  auto text = reg.render();
  BOOST_CHECK(text.find("t_latency_seconds_bucket{le=\"0.1\"} 1\n") != std::string::npos);
  BOOST_CHECK(text.find("t_latency_seconds_bucket{le=\"1\"} 2\n") != std::string::npos);
  BOOST_CHECK(text.find("t_latency_seconds_bucket{le=\"+Inf\"} 3\n") != std::string::npos);
  BOOST_CHECK(text.find("t_latency_seconds_sum 5.55\n") != std::string::npos);
  BOOST_CHECK(text.find("t_latency_seconds_count 3\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(registering_twice_returns_the_same_family) {
  registry reg;
  auto& a = reg.counters("t_x_total", "X");
  auto& b = reg.counters("t_x_total", "X");
  BOOST_CHECK_EQUAL(&a, &b);
  BOOST_CHECK_EQUAL(reg.size(), 1u);
}

BOOST_AUTO_TEST_CASE(label_values_are_escaped) {
  registry reg;
  reg.counters("t_e_total", "E", {"v"}).with({"a\"b\\c\nd"}).inc();
  auto text = reg.render();
  BOOST_CHECK(text.find("t_e_total{v=\"a\\\"b\\\\c\\nd\"} 1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(concurrent_increments_are_not_lost) {
  registry reg;
  auto& c = reg.counters("t_c_total", "C").with();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i)
        c.inc();
    });
  for (auto& t : threads)
    t.join();
  BOOST_CHECK_EQUAL(c.value(), 40000);
}

BOOST_AUTO_TEST_CASE(callback_gauges_are_computed_at_render_time) {
  registry reg;
  int calls = 0;
  reg.gauge_fn("t_fn", "Fn", [&] { return static_cast<double>(++calls); });
  BOOST_CHECK(reg.render().find("t_fn 1\n") != std::string::npos);
  BOOST_CHECK(reg.render().find("t_fn 2\n") != std::string::npos);
}
