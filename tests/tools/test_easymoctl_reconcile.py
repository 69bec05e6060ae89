"""`easymoctl reconcile` against a fake admin API on 127.0.0.1: one request
per day with the bearer token, the rows printed, the exit code that says
mismatches or an incomplete day, the progress bar, and bad arguments."""

import http.server
import io
import json
import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
import easymoctl_reconcile as cli  # noqa: E402


class FakeAdmin(http.server.BaseHTTPRequestHandler):
    seen = []
    answers = {}

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeAdmin.seen.append((self.path, self.headers["Authorization"], body))
        day = body["date"]
        rows = FakeAdmin.answers.get(day, [
            {"day": day, "gateway": "momo", "status": "complete",
             "mismatch_count": 0, "confirmed": 0}])
        out = json.dumps({"runs": rows}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


class ReconcileTest(unittest.TestCase):
    def setUp(self):
        self.server = http.server.HTTPServer(("127.0.0.1", 0), FakeAdmin)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        os.environ["EASYMO_ADMIN_URL"] = "http://127.0.0.1:%d" % self.server.server_port
        os.environ["EASYMO_ADMIN_TOKEN"] = "t0ken"
        FakeAdmin.seen, FakeAdmin.answers = [], {}

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()

    def run_cli(self, *argv):
        parser = cli.argparse.ArgumentParser()
        cli.register(parser.add_subparsers(dest="command", required=True))
        args = parser.parse_args(list(argv))
        out, err = io.StringIO(), io.StringIO()
        code = cli.reconcile(args, out, err)
        return code, out.getvalue(), err.getvalue()

    def test_one_request_per_day_with_the_token(self):
        code, out, err = self.run_cli("reconcile", "--date", "2026-11-28",
                                      "--to", "2026-12-02")
        self.assertEqual(code, cli.EXIT_OK)
        days = [b["date"] for _, _, b in FakeAdmin.seen]
        self.assertEqual(days, ["2026-11-28", "2026-11-29", "2026-11-30",
                                "2026-12-01", "2026-12-02"])
        self.assertTrue(all(p == "/admin/reconciliations/run" and a == "Bearer t0ken"
                            for p, a, _ in FakeAdmin.seen))
        self.assertIn("2026-12-01  momo       complete, 0 mismatches", out)
        self.assertIn("5/5 done", err)
        self.assertIn("[############------------------] 2/5", err)

    def test_mismatches_and_incomplete_days_set_the_exit_code(self):
        FakeAdmin.answers["2026-11-20"] = [
            {"day": "2026-11-20", "gateway": "revolut", "status": "complete",
             "mismatch_count": 2, "confirmed": 0}]
        code, out, _ = self.run_cli("reconcile", "--date", "2026-11-20")
        self.assertEqual(code, cli.EXIT_MISMATCHES)
        self.assertIn("complete, 2 mismatches", out)
        FakeAdmin.answers["2026-11-21"] = [
            {"day": "2026-11-21", "gateway": "momo", "status": "incomplete",
             "mismatch_count": None, "error": "gateway:timeout"}]
        code, out, _ = self.run_cli("reconcile", "--date", "2026-11-20",
                                    "--to", "2026-11-21")
        self.assertEqual(code, cli.EXIT_INCOMPLETE)
        self.assertIn("incomplete: gateway:timeout", out)

    def test_bad_ranges_and_an_unreachable_daemon(self):
        code, _, err = self.run_cli("reconcile", "--date", "2026-11-20",
                                    "--to", "2026-11-19")
        self.assertEqual(code, cli.EXIT_USAGE)
        self.assertEqual(cli.main(["reconcile", "--date", "20/11/2026"]),
                         cli.EXIT_USAGE)
        os.environ["EASYMO_ADMIN_URL"] = "http://127.0.0.1:9"
        code, _, err = self.run_cli("reconcile", "--date", "2026-11-20")
        self.assertEqual(code, cli.EXIT_UNREACHABLE)
        self.assertIn("2026-11-20", err)


if __name__ == "__main__":
    unittest.main()
