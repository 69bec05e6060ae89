#include "runtime/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace easymo::metrics {

histogram::histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  buckets_ = std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1);
  for (size_t i = 0; i <= bounds_.size(); ++i)
    buckets_[i].store(0);
}

void histogram::observe(double v) {
  auto i = static_cast<size_t>(
    std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<uint64_t> histogram::cumulative() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t acc = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    acc += buckets_[i].load(std::memory_order_relaxed);
    out[i] = acc;
  }
  return out;
}

const std::vector<double>& latency_buckets() {
  static const std::vector<double> bounds{0.0001, 0.00025, 0.0005, 0.001,
                                          0.0025, 0.005,   0.01,   0.025,
                                          0.05,   0.1,     0.25,   0.5,
                                          1,      2.5,     5,      10};
  return bounds;
}

registry& registry::global() {
  static registry instance;
  return instance;
}

counter_family& registry::counters(const std::string& name,
                                   const std::string& help,
                                   std::vector<std::string> labels) {
  std::lock_guard guard{mtx_};
  auto& slot = counters_[name];
  if (!slot)
    slot = std::make_unique<counter_family>(
      name, help, std::move(labels), [] { return std::make_unique<counter>(); });
  return *slot;
}

gauge_family& registry::gauges(const std::string& name, const std::string& help,
                               std::vector<std::string> labels) {
  std::lock_guard guard{mtx_};
  auto& slot = gauges_[name];
  if (!slot)
    slot = std::make_unique<gauge_family>(
      name, help, std::move(labels), [] { return std::make_unique<gauge>(); });
  return *slot;
}

histogram_family& registry::histograms(const std::string& name,
                                       const std::string& help,
                                       std::vector<std::string> labels,
                                       std::vector<double> bounds) {
  std::lock_guard guard{mtx_};
  auto& slot = histograms_[name];
  if (!slot)
    slot = std::make_unique<histogram_family>(
      name, help, std::move(labels),
      [bounds] { return std::make_unique<histogram>(bounds); });
  return *slot;
}

void registry::gauge_fn(const std::string& name, const std::string& help,
                        std::function<double()> fn) {
  std::lock_guard guard{mtx_};
  gauge_fns_[name] = {help, std::move(fn)};
}

size_t registry::size() const {
  std::lock_guard guard{mtx_};
  return counters_.size() + gauges_.size() + histograms_.size()
         + gauge_fns_.size();
}

std::string escape_label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

namespace {

std::string number(double v) {
  if (std::isnan(v))
    return "NaN";
  if (std::isinf(v))
    return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    std::snprintf(buf, sizeof(buf), "%.0f", v);
  else {
    // The shortest form that reads back as the same double.
    for (int precision = 6; precision <= 17; ++precision) {
      std::snprintf(buf, sizeof(buf), "%.*g", precision, v);
      if (std::strtod(buf, nullptr) == v)
        break;
    }
  }
  return buf;
}

std::string label_set(const std::vector<std::string>& names,
                      const label_values& values,
                      std::string_view extra = {}) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    out += out.empty() ? "{" : ",";
    out += names[i] + "=\"" + escape_label(values[i]) + "\"";
  }
  if (!extra.empty()) {
    out += out.empty() ? "{" : ",";
    out.append(extra);
  }
  if (!out.empty())
    out += "}";
  return out;
}

void header(std::string& out, const std::string& name, const std::string& help,
            const char* type) {
  out += "# HELP " + name + " " + help + "\n";
  out += "# TYPE " + name + " " + type + "\n";
}

} // namespace

std::string registry::render() const {
  std::lock_guard guard{mtx_};
  std::string out;
  for (auto& [name, fam] : counters_) {
    header(out, name, fam->help(), "counter");
    fam->for_each([&](const label_values& values, const counter& c) {
      out += name + label_set(fam->labels(), values) + " " + number(c.value())
             + "\n";
    });
  }
  for (auto& [name, fam] : gauges_) {
    header(out, name, fam->help(), "gauge");
    fam->for_each([&](const label_values& values, const gauge& g) {
      out += name + label_set(fam->labels(), values) + " " + number(g.value())
             + "\n";
    });
  }
  for (auto& [name, entry] : gauge_fns_) {
    header(out, name, entry.first, "gauge");
    out += name + " " + number(entry.second()) + "\n";
  }
  for (auto& [name, fam] : histograms_) {
    header(out, name, fam->help(), "histogram");
    fam->for_each([&](const label_values& values, const histogram& h) {
      auto counts = h.cumulative();
      for (size_t i = 0; i < h.bounds().size(); ++i) {
        auto le = "le=\"" + number(h.bounds()[i]) + "\"";
        out += name + "_bucket" + label_set(fam->labels(), values, le) + " "
               + std::to_string(counts[i]) + "\n";
      }
      out += name + "_bucket"
             + label_set(fam->labels(), values, "le=\"+Inf\"") + " "
             + std::to_string(counts.back()) + "\n";
      out += name + "_sum" + label_set(fam->labels(), values) + " "
             + number(h.sum()) + "\n";
      out += name + "_count" + label_set(fam->labels(), values) + " "
             + std::to_string(h.count()) + "\n";
    });
  }
  return out;
}

} // namespace easymo::metrics
