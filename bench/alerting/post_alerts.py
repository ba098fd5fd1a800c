#!/usr/bin/env python3
"""Posts firing alerts to an Alertmanager-compatible POST /api/v2/alerts.

    post_alerts.py --url http://127.0.0.1:PORT/api/v2/alerts --out posts.tsv
                   [--groups 1000] [--per-group 10] [--batch 100]

Alert k of group N has labels alertname="BenchAlert", group="g<N>", instance="i<k>",
severity; startsAt = now, endsAt = now + 1h. Groups are posted in order, each group's alerts
contiguous, --batch alerts per request on one keep-alive connection. Writes one line per group
to --out: "<group> <unix time the request with its last alert was sent> <time its response
arrived>". Exits non-zero on any non-2xx answer.
"""
import argparse
import datetime
import http.client
import json
import sys
import time
import urllib.parse


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--groups", type=int, default=1000)
    ap.add_argument("--per-group", type=int, default=10)
    ap.add_argument("--batch", type=int, default=100)
    args = ap.parse_args()

    u = urllib.parse.urlsplit(args.url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    now = datetime.datetime.now(datetime.timezone.utc)
    starts = now.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    ends = (now + datetime.timedelta(hours=1)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    alerts = []
    for g in range(args.groups):
        for k in range(args.per_group):
            alerts.append((g, {
                "labels": {"alertname": "BenchAlert", "group": f"g{g}", "instance": f"i{k}",
                           "severity": "warning" if k % 2 else "critical"},
                "annotations": {"summary": f"bench alert {k} of group g{g}"},
                "startsAt": starts, "endsAt": ends,
                "generatorURL": "http://bench.example/graph",
            }))
    last_post = {}
    for i in range(0, len(alerts), args.batch):
        chunk = alerts[i:i + args.batch]
        body = json.dumps([a for _, a in chunk]).encode()
        sent = time.time()
        conn.request("POST", u.path, body, {"Content-Type": "application/json"})
        resp = conn.getresponse()
        data = resp.read()
        done = time.time()
        if resp.status // 100 != 2:
            sys.exit(f"POST {args.url}: HTTP {resp.status}: {data[:300]!r}")
        for g, _ in chunk:
            last_post[g] = (sent, done)
    with open(args.out, "w") as f:
        for g in sorted(last_post):
            f.write(f"g{g}\t{last_post[g][0]:.6f}\t{last_post[g][1]:.6f}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
