// MoMo USSD codes, tel: links, QR PNGs and the merchant statement parser.
// The QR test decodes nothing (no decoder in the stack); it checks the PNG
// signature and size, and that the module matrix is a valid QR shape with
// its three finder patterns, which a wrong bit extraction would break.
#include "protocols/momo/qr.hpp"
#include "protocols/momo/statement.hpp"
#include "protocols/momo/ussd.hpp"

#include <boost/test/unit_test.hpp>

using namespace easymo;

BOOST_AUTO_TEST_CASE(phones_become_local_rwandan_numbers) {
  BOOST_CHECK_EQUAL(*momo::local_msisdn("250788123456"), "0788123456");
  BOOST_CHECK_EQUAL(*momo::local_msisdn("+250788123456"), "0788123456");
  BOOST_CHECK_EQUAL(*momo::local_msisdn("0788123456"), "0788123456");
  // Not mobile, wrong country, wrong length, not digits.
  BOOST_CHECK(!momo::local_msisdn("250252123456"));
  BOOST_CHECK(!momo::local_msisdn("256788123456"));
  BOOST_CHECK(!momo::local_msisdn("078812345"));
  BOOST_CHECK(!momo::local_msisdn("07881234a6"));
  BOOST_CHECK(!momo::local_msisdn(""));
}

BOOST_AUTO_TEST_CASE(p2p_and_merchant_codes_have_the_documented_shape) {
  BOOST_CHECK_EQUAL(*momo::p2p_code("250788123456", 5000),
                    "*182*1*1*0788123456*5000#");
  BOOST_CHECK_EQUAL(*momo::merchant_code("123456", 2500), "*182*8*1*123456*2500#");
  BOOST_CHECK(!momo::p2p_code("250788123456", 0));
  BOOST_CHECK(!momo::p2p_code("250788123456", -5));
  BOOST_CHECK(!momo::p2p_code("250788123456", momo::ussd_amount_max + 1));
  BOOST_CHECK(!momo::merchant_code("12", 100));
  BOOST_CHECK(!momo::merchant_code("12*45#", 100));
}

BOOST_AUTO_TEST_CASE(tel_links_escape_the_hash) {
  BOOST_CHECK_EQUAL(momo::tel_link("*182*8*1*123456*2500#"),
                    "tel:*182*8*1*123456*2500%23");
  BOOST_CHECK_EQUAL(momo::tel_link("#"), "tel:%23");
}

BOOST_AUTO_TEST_CASE(qr_matrix_has_three_finder_patterns) {
  auto m = momo::qr_encode("tel:*182*8*1*123456*2500%23");
  BOOST_REQUIRE(m);
  // Versions are 21 + 4k modules wide.
  BOOST_CHECK_EQUAL((m->width - 21) % 4, 0);
  // A finder pattern: 7x7 dark ring, light ring, 3x3 dark core.
  auto finder_at = [&](int x0, int y0) {
    for (int y = 0; y < 7; ++y)
      for (int x = 0; x < 7; ++x) {
        bool ring = x == 0 || y == 0 || x == 6 || y == 6;
        bool core = x >= 2 && x <= 4 && y >= 2 && y <= 4;
        if (m->at(x0 + x, y0 + y) != (ring || core))
          return false;
      }
    return true;
  };
  BOOST_CHECK(finder_at(0, 0));
  BOOST_CHECK(finder_at(m->width - 7, 0));
  BOOST_CHECK(finder_at(0, m->width - 7));
  BOOST_CHECK(!finder_at(m->width - 7, m->width - 7));
}

BOOST_AUTO_TEST_CASE(qr_png_is_a_png_of_the_expected_size) {
  momo::qr_options opts;
  auto m = momo::qr_encode("tel:*182*1*1*0788123456*5000%23");
  auto png = momo::qr_png("tel:*182*1*1*0788123456*5000%23", opts);
  BOOST_REQUIRE(m && png);
  BOOST_CHECK_EQUAL(png->substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  // IHDR width and height, big-endian, right after the signature and the
  // chunk's length and type.
  auto be32 = [&](size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i)
      v = (v << 8) | static_cast<unsigned char>((*png)[at + i]);
    return v;
  };
  auto side = static_cast<uint32_t>((m->width + 2 * opts.margin) * opts.scale);
  BOOST_CHECK_EQUAL(be32(16), side);
  BOOST_CHECK_EQUAL(be32(20), side);
}

BOOST_AUTO_TEST_CASE(qr_refuses_empty_and_oversized_text) {
  BOOST_CHECK(!momo::qr_png(""));
  BOOST_CHECK(!momo::qr_png(std::string(momo::qr_text_bytes_max + 1, 'a')));
  momo::qr_options silly;
  silly.scale = 0;
  BOOST_CHECK(!momo::qr_png("x", silly));
}

BOOST_AUTO_TEST_CASE(csv_lines_split_with_rfc_4180_quoting) {
  auto row = momo::split_csv_line(R"(1,"a,b","say ""hi""",)");
  BOOST_REQUIRE(row);
  BOOST_REQUIRE_EQUAL(row->size(), 4u);
  BOOST_CHECK_EQUAL((*row)[1], "a,b");
  BOOST_CHECK_EQUAL((*row)[2], "say \"hi\"");
  BOOST_CHECK_EQUAL((*row)[3], "");
  BOOST_CHECK(!momo::split_csv_line(R"(1,"open)"));
}

BOOST_AUTO_TEST_CASE(statement_lines_become_records_by_header_name) {
  auto s = momo::parse_statement(
    "Date,Id,Status,Currency,Amount,From,To,Extra\r\n"
    "2026-11-20 14:03:11,9121,Successful,RWF,5000,FRI:250788123456/MSISDN,"
    "FRI:123456/MM,x\r\n"
    "2026-11-20 15:00:00,9122,Failed,RWF,700,250788000001,FRI:123456/MM,\n");
  BOOST_REQUIRE_MESSAGE(s.error.empty(), s.error);
  BOOST_REQUIRE_EQUAL(s.lines.size(), 2u);
  BOOST_CHECK_EQUAL(s.lines[0].reference, "9121");
  BOOST_CHECK_EQUAL(s.lines[0].amount, 5000);
  BOOST_CHECK(s.lines[0].status == gateway::pay_status::succeeded);
  BOOST_CHECK_EQUAL(s.lines[0].msisdn, "250788123456");
  BOOST_CHECK_EQUAL(s.lines[0].at, "2026-11-20 14:03:11");
  BOOST_CHECK(s.lines[1].status == gateway::pay_status::failed);
  BOOST_CHECK_EQUAL(s.lines[1].msisdn, "250788000001");
}

BOOST_AUTO_TEST_CASE(statement_errors_name_the_problem) {
  BOOST_CHECK_EQUAL(momo::parse_statement("Id,Date,Status,From,Amount\n").error,
                    "no column 'currency'");
  BOOST_CHECK_EQUAL(momo::parse_statement("").error, "no header line");
  auto bad = momo::parse_statement("Id,Date,Status,From,Amount,Currency\n"
                                   "7,d,Successful,250788000001,12.5,RWF\n");
  BOOST_CHECK_EQUAL(bad.error, "line 7: bad amount");
  auto odd = momo::parse_statement("Id,Date,Status,From,Amount,Currency\n"
                                   "8,d,Maybe,250788000001,12,RWF\n");
  BOOST_CHECK_EQUAL(odd.error, "line 8: unknown status");
}
