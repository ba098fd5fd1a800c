#!/usr/bin/env python3
"""Webhook sink for the alerting benchmarks.

Accepts Alertmanager webhook notifications (POST, JSON body) on 127.0.0.1 and appends one line
per notification to --out, tab-separated:

    <arrival unix time, s> <path> <groupKey> <group label or -> <status> <number of alerts>
    <client port>

(the client port tells connections apart: a sender that reuses connections shows few ports).
The path tells senders apart (e.g. /osprey and /alertmanager share one sink). Prints
"listening on port N" once ready. Answers 200 to every POST; bodies that are not JSON are
recorded with groupKey "invalid".
"""
import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    out = open(args.out, "a", buffering=1)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            arrival = time.time()
            body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
            key, group, status, n = "invalid", "-", "-", 0
            try:
                msg = json.loads(body)
                key = msg.get("groupKey", "-")
                group = (msg.get("groupLabels") or {}).get("group") or \
                    (msg.get("commonLabels") or {}).get("alertname", "-")
                status = msg.get("status", "-")
                n = len(msg.get("alerts") or [])
            except (ValueError, AttributeError):
                pass
            line = (f"{arrival:.6f}\t{self.path}\t{key}\t{group}\t{status}\t{n}\t"
                    f"{self.client_address[1]}\n")
            with lock:
                out.write(line)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"listening on port {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
