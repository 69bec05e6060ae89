#!/usr/bin/env python3
"""`easymoctl reconcile`: run the daily reconciliation on demand.

    tools/easymoctl_reconcile.py reconcile --date 2026-11-20 [--to 2026-11-27]

Each day is one POST /admin/reconciliations/run on the admin listener, so a
backfill of weeks shows its progress day by day and a failure stops at the
day it hit. The summary lists every (day, gateway): complete with its
mismatch count, or incomplete with the gateway's error.

Exit code: 0 when every day is complete without mismatches, 1 when there are
mismatches, 2 when a day is incomplete (a gateway could not be read), 3 when
the daemon could not be reached, 64 for a bad argument.

The admin listener and token come from EASYMO_ADMIN_URL (default
http://127.0.0.1:$EASYMO_ADMIN_PORT, port 9090) and EASYMO_ADMIN_TOKEN
(default: the sandbox token). `register(subparsers)` adds the subcommand to
tools/easymoctl.
"""

import argparse
import datetime
import json
import os
import sys
import urllib.error
import urllib.request

EXIT_OK, EXIT_MISMATCHES, EXIT_INCOMPLETE, EXIT_UNREACHABLE = 0, 1, 2, 3
EXIT_USAGE = 64
# Longer ranges are almost always a typo in a year; the daemon takes one day
# per request anyway, so this bound only guards the operator.
DAYS_MAX = 366
# One day runs every gateway in turn; each gateway call is bounded by the
# daemon's payments-gateway-timeout, so a day takes at most minutes.
REQUEST_TIMEOUT_S = 600


def admin_url():
    url = os.environ.get("EASYMO_ADMIN_URL")
    if url:
        return url.rstrip("/")
    return "http://127.0.0.1:%s" % os.environ.get("EASYMO_ADMIN_PORT", "9090")


def admin_token():
    return os.environ.get("EASYMO_ADMIN_TOKEN", "sandbox-admin-token")


def parse_day(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected YYYY-MM-DD, got %r" % text)


def days_between(first, last):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


def run_day(day, base, token, timeout=REQUEST_TIMEOUT_S):
    """The stored rows of `day` after the daemon ran it, or raises."""
    body = json.dumps({"date": day.isoformat()}).encode()
    req = urllib.request.Request(
        base + "/admin/reconciliations/run", data=body, method="POST",
        headers={"Authorization": "Bearer " + token,
                 "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as res:
        return json.loads(res.read())["runs"]


def progress(done, total, label, out):
    width = 30
    filled = width * done // total
    out.write("\r[%s%s] %d/%d %s" % ("#" * filled, "-" * (width - filled), done,
                                     total, label))
    out.flush()


def describe(row):
    if row.get("status") == "complete":
        count = row.get("mismatch_count") or 0
        extra = " (%d confirmed)" % row["confirmed"] if row.get("confirmed") else ""
        return "complete, %d mismatch%s%s" % (count, "" if count == 1 else "es",
                                             extra)
    return "%s: %s" % (row.get("status", "?"), row.get("error") or "?")


def exit_code_of(rows):
    if any(r.get("status") != "complete" for r in rows):
        return EXIT_INCOMPLETE
    if any((r.get("mismatch_count") or 0) > 0 for r in rows):
        return EXIT_MISMATCHES
    return EXIT_OK


def reconcile(args, out=sys.stdout, err=sys.stderr):
    last = args.to or args.date
    if last < args.date:
        err.write("easymoctl reconcile: --to is before --date\n")
        return EXIT_USAGE
    days = list(days_between(args.date, last))
    if len(days) > DAYS_MAX:
        err.write("easymoctl reconcile: at most %d days at once\n" % DAYS_MAX)
        return EXIT_USAGE
    base, token = admin_url(), admin_token()
    rows = []
    for i, day in enumerate(days):
        progress(i, len(days), day.isoformat(), err)
        try:
            rows.extend(run_day(day, base, token))
        except (urllib.error.URLError, OSError, ValueError, KeyError) as e:
            err.write("\neasymoctl reconcile: %s: %s\n" % (day.isoformat(), e))
            return EXIT_UNREACHABLE
    progress(len(days), len(days), "done", err)
    err.write("\n")
    for row in rows:
        out.write("%s  %-10s %s\n" % (row.get("day"), row.get("gateway"),
                                      describe(row)))
    return exit_code_of(rows)


def register(subparsers):
    """Adds `reconcile` to an argparse subparsers object (tools/easymoctl)."""
    p = subparsers.add_parser("reconcile", help="reconcile days with the gateways")
    p.add_argument("--date", type=parse_day, required=True,
                   help="first day, YYYY-MM-DD (Africa/Kigali)")
    p.add_argument("--to", type=parse_day, help="last day (default: --date)")
    p.set_defaults(func=reconcile)
    return p


def main(argv=None):
    parser = argparse.ArgumentParser(prog="easymoctl")
    register(parser.add_subparsers(dest="command", required=True))
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return EXIT_USAGE if e.code else EXIT_OK
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
