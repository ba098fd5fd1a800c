#!/usr/bin/env python3
"""Notification latency after group_wait, from post_alerts.py's and webhook_sink.py's records.

    alert_latency.py POSTS_TSV NOTIFICATIONS_TSV PATH GROUP_WAIT_SECONDS

For each group: latency = arrival of its first notification on PATH - (time the request with
the group's last alert was sent + group_wait). Prints, space-separated: notifications received,
groups notified, duplicates (notifications beyond the first per group), groups never notified,
latency p50, p99, max (ms), connections used (distinct client ports).
"""
import math
import sys


def quantile(xs, q):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, math.ceil(q * len(xs)) - 1))]  # nearest rank


def main():
    posts_path, notes_path, path, wait = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    posted = {}
    for line in open(posts_path):
        g, sent, _done = line.split("\t")
        posted[g] = float(sent)
    first, received, ports = {}, 0, set()
    try:
        notes = open(notes_path).readlines()
    except FileNotFoundError:
        notes = []
    for line in notes:
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 6 or parts[1] != path:
            continue
        received += 1
        if len(parts) > 6:
            ports.add(parts[6])
        t, g = float(parts[0]), parts[3]
        if g not in first or t < first[g]:
            first[g] = t
    lat = [(first[g] - (posted[g] + wait)) * 1000 for g in posted if g in first]
    missing = sum(1 for g in posted if g not in first)
    print(received, len(first), received - len(first), missing,
          f"{quantile(lat, 0.5):.0f}", f"{quantile(lat, 0.99):.0f}",
          f"{max(lat) if lat else float('nan'):.0f}", len(ports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
