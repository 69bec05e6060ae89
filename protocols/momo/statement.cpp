#include "protocols/momo/statement.hpp"

#include "protocols/http/client_form.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace easymo::momo {

namespace {

std::string lower(std::string_view text) {
  std::string out{text};
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::optional<gateway::pay_status> report_status_of(std::string_view word) {
  auto w = lower(word);
  if (w == "successful" || w == "success" || w == "completed")
    return gateway::pay_status::succeeded;
  if (w == "failed" || w == "rejected" || w == "reversed")
    return gateway::pay_status::failed;
  if (w == "pending")
    return gateway::pay_status::pending;
  return std::nullopt;
}

// Column positions by lower-case header name.
using columns = std::map<std::string, size_t>;

std::string field(const std::vector<std::string>& row, const columns& cols,
                  const char* name) {
  auto it = cols.find(name);
  if (it == cols.end() || it->second >= row.size())
    return {};
  return std::string{trim(row[it->second])};
}

std::string parse_line(const std::vector<std::string>& row,
                       const columns& cols, gateway::record& out) {
  out.reference = field(row, cols, "id");
  if (out.reference.empty())
    return "a line has no Id";
  auto cur = ledger::parse_currency(field(row, cols, "currency"));
  if (!cur)
    return "line " + out.reference + ": unknown currency";
  out.cur = *cur;
  auto amount = ledger::parse_major(field(row, cols, "amount"), *cur);
  if (!amount)
    return "line " + out.reference + ": bad amount";
  out.amount = *amount;
  out.raw_status = field(row, cols, "status");
  auto st = report_status_of(out.raw_status);
  if (!st)
    return "line " + out.reference + ": unknown status";
  out.status = *st;
  out.at = field(row, cols, "date");
  out.msisdn = party_digits(field(row, cols, "from"));
  return {};
}

} // namespace

http::client_request statement_request(const std::string& report_url,
                                       const std::string& token,
                                       const std::string& day,
                                       std::chrono::milliseconds timeout) {
  http::client_request req;
  auto sep = report_url.find('?') == std::string::npos ? "?" : "&";
  req.url = report_url + sep + "date=" + http::url_encode(day);
  if (!token.empty())
    req.headers.emplace_back("Authorization", "Bearer " + token);
  req.headers.emplace_back("Accept", "text/csv");
  req.timeout = timeout;
  req.label = "momo_ussd.statement";
  return req;
}

std::optional<std::vector<std::string>> split_csv_line(std::string_view line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c != '"')
        out.back() += c;
      else if (i + 1 < line.size() && line[i + 1] == '"')
        out.back() += line[++i];
      else
        quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  if (quoted)
    return std::nullopt;
  return out;
}

std::string party_digits(std::string_view party) {
  if (auto colon = party.find(':'); colon != std::string_view::npos)
    party.remove_prefix(colon + 1);
  party = party.substr(0, party.find('/'));
  std::string out;
  for (char c : party)
    if (c >= '0' && c <= '9')
      out += c;
  return out;
}

statement parse_statement(std::string_view csv) {
  statement out;
  columns cols;
  size_t lines = 0;
  while (!csv.empty()) {
    auto nl = csv.find('\n');
    auto line = trim(csv.substr(0, nl));
    csv = nl == std::string_view::npos ? std::string_view{} : csv.substr(nl + 1);
    if (line.empty())
      continue;
    auto row = split_csv_line(line);
    if (!row) {
      out.error = "unbalanced quotes";
      return out;
    }
    if (cols.empty()) {
      for (size_t i = 0; i < row->size(); ++i)
        cols.emplace(lower(trim((*row)[i])), i);
      for (auto name : {"id", "date", "status", "from", "amount", "currency"})
        if (cols.count(name) == 0) {
          out.error = std::string{"no column '"} + name + "'";
          return out;
        }
      continue;
    }
    if (++lines > statement_lines_max) {
      out.error = "more than " + std::to_string(statement_lines_max) + " lines";
      return out;
    }
    gateway::record rec;
    if (auto err = parse_line(*row, cols, rec); !err.empty()) {
      out.error = err;
      return out;
    }
    out.lines.push_back(std::move(rec));
  }
  if (cols.empty())
    out.error = "no header line";
  return out;
}

} // namespace easymo::momo
