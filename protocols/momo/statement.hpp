// The MoMo merchant statement: how USSD payments (which carry no reference
// of ours) are confirmed and reconciled.
//
// MTN gives merchants their account statement as CSV (the merchant portal's
// export). easymod fetches one day of it from `momo-ussd-report-url`
// (GET <url>?date=YYYY-MM-DD, bearer EASYMO_MOMO_REPORT_TOKEN), wherever the
// operator publishes the export. Columns are found by their header names, so
// extra columns and another order do not matter:
//
//   Id,External Transaction Id,Date,Status,Type,From,To,Amount,Currency
//   9121,,2026-11-20 14:03:11,Successful,Payment,FRI:250788123456/MSISDN,
//     FRI:123456/MM,5000,RWF
//
// `Id` is MoMo's financial transaction id: it becomes the ledger transfer's
// external_ref, so a statement line can credit a wallet at most once.
#pragma once

#include "protocols/gateway/common.hpp"
#include "protocols/http/client.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easymo::momo {

/// Lines of one statement beyond this are refused: a day of one merchant
/// code is far smaller, and a bound keeps a wrong URL from eating memory.
constexpr size_t statement_lines_max = 100'000;

/// The request for the statement of `day` ("2026-11-20").
http::client_request statement_request(const std::string& report_url,
                                       const std::string& token,
                                       const std::string& day,
                                       std::chrono::milliseconds timeout);

/// The statement's payment lines as gateway records (reference = Id,
/// msisdn = the payer's digits, at = the Date column as written), or an
/// error message naming the first problem: a missing column, a line with
/// a bad amount or currency, an unknown status, too many lines.
struct statement {
  std::vector<gateway::record> lines;
  std::string error;
};

statement parse_statement(std::string_view csv);

/// Splits one CSV line into fields (RFC 4180 quoting: "a,b" and "say ""hi""").
/// Nothing when a quote is left open.
std::optional<std::vector<std::string>> split_csv_line(std::string_view line);

/// The digits of a MoMo party ("FRI:250788123456/MSISDN" or "250788123456").
std::string party_digits(std::string_view party);

} // namespace easymo::momo
