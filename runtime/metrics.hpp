// Prometheus metrics: counters, gauges and histograms with labels, rendered in
// the text exposition format (version 0.0.4).
//
// A metric child is looked up once (under a mutex) and then updated with a
// relaxed atomic, so hot paths keep the reference instead of the labels.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace easymo::metrics {

using label_values = std::vector<std::string>;

class counter {
public:
  void inc(double n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<double> value_{0};
};

class gauge {
public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double n) { value_.fetch_add(n, std::memory_order_relaxed); }
  void sub(double n) { value_.fetch_sub(n, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<double> value_{0};
};

class histogram {
public:
  explicit histogram(std::vector<double> bounds);
  void observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  /// Cumulative counts per bound, then the +Inf count.
  std::vector<uint64_t> cumulative() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }

private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<double> sum_{0};
  std::atomic<uint64_t> count_{0};
};

/// Default latency buckets in seconds, from 100 us to 10 s.
const std::vector<double>& latency_buckets();

template <class T>
class family {
public:
  family(std::string name, std::string help, std::vector<std::string> labels,
         std::function<std::unique_ptr<T>()> make)
    : name_(std::move(name)), help_(std::move(help)),
      labels_(std::move(labels)), make_(std::move(make)) {
  }

  /// Returns the child for `values`, creating it on first use.
  T& with(const label_values& values = {}) {
    std::lock_guard guard{mtx_};
    auto& slot = children_[values];
    if (!slot)
      slot = make_();
    return *slot;
  }

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& labels() const { return labels_; }

  template <class F>
  void for_each(F f) const {
    std::lock_guard guard{mtx_};
    for (auto& [values, child] : children_)
      f(values, *child);
  }

private:
  std::string name_;
  std::string help_;
  std::vector<std::string> labels_;
  std::function<std::unique_ptr<T>()> make_;
  mutable std::mutex mtx_;
  std::map<label_values, std::unique_ptr<T>> children_;
};

using counter_family = family<counter>;
using gauge_family = family<gauge>;
using histogram_family = family<histogram>;

class registry {
public:
  /// The process-wide registry that /metrics renders.
  static registry& global();

  /// Registering a name twice returns the first family: actors that restart
  /// re-register their metrics and keep counting.
  counter_family& counters(const std::string& name, const std::string& help,
                           std::vector<std::string> labels = {});
  gauge_family& gauges(const std::string& name, const std::string& help,
                       std::vector<std::string> labels = {});
  histogram_family& histograms(const std::string& name, const std::string& help,
                               std::vector<std::string> labels = {},
                               std::vector<double> bounds = latency_buckets());

  /// A gauge whose value is computed at scrape time.
  void gauge_fn(const std::string& name, const std::string& help,
                std::function<double()> fn);

  /// Renders every family in the Prometheus text format.
  std::string render() const;

  /// Number of registered metric families.
  size_t size() const;

private:
  mutable std::mutex mtx_;
  std::map<std::string, std::unique_ptr<counter_family>> counters_;
  std::map<std::string, std::unique_ptr<gauge_family>> gauges_;
  std::map<std::string, std::unique_ptr<histogram_family>> histograms_;
  std::map<std::string, std::pair<std::string, std::function<double()>>>
    gauge_fns_;
};

/// Escapes a label value for the text format.
std::string escape_label(std::string_view value);

} // namespace easymo::metrics
