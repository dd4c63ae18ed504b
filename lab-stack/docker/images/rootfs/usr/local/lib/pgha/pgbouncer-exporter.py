#!/usr/bin/python3
"""Prometheus exporter for one PgBouncer, written for the pgha Docker lab.

Why not Debian's prometheus-pgbouncer-exporter (1.7): it expects the SHOW STATS columns of
PgBouncer 1.7 (total_requests, renamed in 1.8) and stops with a KeyError against bookworm's
PgBouncer 1.18; it also keeps one connection for its whole life, so it never recovers once its
PgBouncer restarts. This one connects for every scrape (a dead PgBouncer is `pgbouncer_up 0`,
a restarted one is read again at the next scrape) and names its metrics as the
prometheus-community pgbouncer_exporter does (pgbouncer_up,
pgbouncer_pools_client_waiting_connections, ...), which is what the console reads.

  pgbouncer-exporter.py --listen 0.0.0.0:9127 --host pgbouncer1 --port 6432 --user postgres

The password comes from libpq's usual places (PGPASSFILE). Standard library and psycopg2 only.
"""

import argparse
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg2

# SHOW POOLS column -> (metric, help, scale)
POOLS = {
    "cl_active": ("pgbouncer_pools_client_active_connections", "Client connections linked to a server connection", 1),
    "cl_waiting": ("pgbouncer_pools_client_waiting_connections", "Client connections waiting for a server connection", 1),
    "cl_cancel_req": ("pgbouncer_pools_client_cancel_requests", "Client cancel requests not yet forwarded", 1),
    "sv_active": ("pgbouncer_pools_server_active_connections", "Server connections linked to a client", 1),
    "sv_idle": ("pgbouncer_pools_server_idle_connections", "Server connections unused and ready", 1),
    "sv_used": ("pgbouncer_pools_server_used_connections", "Server connections idle longer than server_check_delay", 1),
    "sv_tested": ("pgbouncer_pools_server_testing_connections", "Server connections being tested or reset", 1),
    "sv_login": ("pgbouncer_pools_server_login_connections", "Server connections logging in", 1),
}
# SHOW STATS column -> (metric, help, scale); times are microseconds.
STATS = {
    "total_query_count": ("pgbouncer_stats_queries_pooled_total", "SQL queries pooled", 1),
    "total_xact_count": ("pgbouncer_stats_sql_transactions_pooled_total", "SQL transactions pooled", 1),
    "total_received": ("pgbouncer_stats_received_bytes_total", "Bytes received from clients", 1),
    "total_sent": ("pgbouncer_stats_sent_bytes_total", "Bytes sent to clients", 1),
    "total_query_time": ("pgbouncer_stats_queries_duration_seconds_total", "Time spent on queries", 1e-6),
    "total_xact_time": ("pgbouncer_stats_server_in_transaction_seconds_total", "Time spent in transactions", 1e-6),
    "total_wait_time": ("pgbouncer_stats_client_wait_seconds_total", "Time clients waited for a server", 1e-6),
}
# SHOW DATABASES column -> (metric, help)
DATABASES = {
    "current_connections": ("pgbouncer_databases_current_connections", "Server connections of this database"),
    "pool_size": ("pgbouncer_databases_pool_size", "Maximum server connections"),
    "reserve_pool": ("pgbouncer_databases_reserve_pool", "Additional server connections allowed"),
    "max_connections": ("pgbouncer_databases_max_connections", "Maximum connections to the server"),
    "paused": ("pgbouncer_databases_paused", "1 if the database is paused"),
    "disabled": ("pgbouncer_databases_disabled", "1 if the database is disabled"),
}
CONFIG = {
    "max_client_conn": ("pgbouncer_config_max_client_connections", "Configured max_client_conn"),
    "max_user_connections": ("pgbouncer_config_max_user_connections", "Configured max_user_connections"),
}


def number_text(value):
    v = float(value)
    return str(int(v)) if v.is_integer() and abs(v) < 2 ** 53 else repr(v)


def label_text(labels):
    if not labels:
        return ""
    escaped = (
        '%s="%s"' % (k, str(v).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n"))
        for k, v in labels.items()
    )
    return "{" + ",".join(escaped) + "}"


class Metrics:
    def __init__(self):
        self.families = {}  # name -> (type, help, [(labels, value)])

    def add(self, name, kind, help_text, value, labels=None):
        family = self.families.setdefault(name, (kind, help_text, []))
        family[2].append((labels or {}, value))

    def text(self):
        out = []
        for name, (kind, help_text, samples) in self.families.items():
            out.append("# HELP %s %s" % (name, help_text))
            out.append("# TYPE %s %s" % (name, kind))
            for labels, value in samples:
                out.append("%s%s %s" % (name, label_text(labels), number_text(value)))
        return "\n".join(out) + "\n"


def rows(cursor, command):
    cursor.execute(command)
    names = [c.name for c in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


def number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def collect(args, m):
    conn = psycopg2.connect(host=args.host, port=args.port, user=args.user, dbname="pgbouncer",
                            connect_timeout=args.timeout, application_name="pgha-pgbouncer-exporter")
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            for r in rows(cur, "SHOW VERSION"):
                version = str(next(iter(r.values()))).replace("PgBouncer ", "").strip()
                m.add("pgbouncer_version_info", "gauge", "PgBouncer's version", 1, {"version": version})
            for r in rows(cur, "SHOW CONFIG"):
                if r.get("key") in CONFIG and number(r.get("value")) is not None:
                    name, help_text = CONFIG[r["key"]]
                    m.add(name, "gauge", help_text, number(r["value"]))
            for r in rows(cur, "SHOW POOLS"):
                labels = {"database": r.get("database"), "user": r.get("user")}
                for column, (name, help_text, scale) in POOLS.items():
                    if number(r.get(column)) is not None:
                        m.add(name, "gauge", help_text, number(r[column]) * scale, labels)
                # maxwait (s) + maxwait_us (µs) since 1.8
                if number(r.get("maxwait")) is not None:
                    wait = number(r["maxwait"]) + (number(r.get("maxwait_us")) or 0) * 1e-6
                    m.add("pgbouncer_pools_client_maxwait_seconds", "gauge",
                          "Age of the oldest waiting client", wait, labels)
            for r in rows(cur, "SHOW STATS"):
                labels = {"database": r.get("database")}
                for column, (name, help_text, scale) in STATS.items():
                    if number(r.get(column)) is not None:
                        m.add(name, "counter", help_text, number(r[column]) * scale, labels)
            for r in rows(cur, "SHOW DATABASES"):
                labels = {k: ("" if r.get(k) is None else r.get(k))
                          for k in ("name", "host", "port", "database", "force_user", "pool_mode")}
                for column, (name, help_text) in DATABASES.items():
                    if number(r.get(column)) is not None:
                        m.add(name, "gauge", help_text, number(r[column]), labels)
    finally:
        conn.close()


class Exporter:
    def __init__(self, args):
        self.args = args
        self.last_error = None

    def scrape(self):
        m = Metrics()
        started = time.monotonic()
        up = 1
        try:
            collect(self.args, m)
            if self.last_error is not None:
                log("PgBouncer %s:%s answers again" % (self.args.host, self.args.port))
            self.last_error = None
        except Exception as e:  # any failure is "down", with the reason in the log once
            up = 0
            m = Metrics()
            reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            if reason != self.last_error:
                log("cannot read PgBouncer %s:%s: %s" % (self.args.host, self.args.port, reason))
            self.last_error = reason
        m.add("pgbouncer_up", "gauge", "1 if PgBouncer's admin console answered this scrape", up)
        m.add("pgbouncer_exporter_scrape_duration_seconds", "gauge", "Time this scrape took",
              time.monotonic() - started)
        return m.text()


def log(text):
    sys.stderr.write("%s [pgbouncer-exporter] %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), text))
    sys.stderr.flush()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--listen", default="0.0.0.0:9127", help="address:port to serve /metrics on")
    p.add_argument("--host", required=True, help="PgBouncer's host")
    p.add_argument("--port", type=int, default=6432)
    p.add_argument("--user", default="postgres", help="an admin_users or stats_users entry")
    p.add_argument("--timeout", type=int, default=3, help="connect timeout in seconds")
    args = p.parse_args()
    exporter = Exporter(args)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.split("?")[0] == "/metrics":
                body, kind = exporter.scrape().encode(), "text/plain; version=0.0.4; charset=utf-8"
            elif self.path == "/":
                body, kind = b"<html><body><a href=\"/metrics\">metrics</a></body></html>\n", "text/html"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt, *a):  # no line per scrape
            pass

    host, _, port = args.listen.rpartition(":")
    server = ThreadingHTTPServer((host or "0.0.0.0", int(port)), Handler)
    server.daemon_threads = True
    log("serving /metrics of PgBouncer %s:%s as %s on %s" % (args.host, args.port, args.user, args.listen))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
