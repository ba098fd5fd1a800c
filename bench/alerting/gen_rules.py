#!/usr/bin/env python3
"""Generates a Prometheus rule file of alerting rules over the tsbench (loadgen) workload.

    gen_rules.py --instances instances.txt [--groups 100] [--rules-per-group 100]
                 [--interval 15s] [--fire-every 20] > rules.yml

instances.txt holds one `instance` label value a line (rules.sh takes them from
`loadgen --print-series`). Rule i uses instance i/10 (mod the list) and one of ten expression
kinds (i mod 10): network, memory, CPU, filesystem, load, disk, up, errors, file descriptors.
Every --fire-every'th block of ten rules gets thresholds that always hold, so that a known
share of the rules fires; the others use realistic thresholds that rarely hold on this data.
A third of the rules has `for: 1m`. Labels and annotations use templates ($labels, $value).
"""
import argparse
import sys

# (alertname, expression with {i} = instance matcher, realistic threshold, always-true one)
KINDS = [
    ("NetworkReceiveHigh",
     'rate(node_network_receive_bytes_total{{{i},device!="lo"}}[5m])', "> 1e8", ">= 0"),
    ("MemoryAvailableLow",
     "node_memory_MemAvailable_bytes{{{i}}} / node_memory_MemTotal_bytes{{{i}}}", "< 0.02", "< 2"),
    ("CpuIdleLow",
     'avg by (instance) (rate(node_cpu_seconds_total{{{i},mode="idle"}}[5m]))', "< 0.01", "< 1e6"),
    ("FilesystemAlmostFull",
     'node_filesystem_avail_bytes{{{i},fstype!~"tmpfs|vfat"}}'
     ' / node_filesystem_size_bytes{{{i},fstype!~"tmpfs|vfat"}}', "< 0.01", "< 2"),
    ("LoadHigh", "node_load5{{{i}}}", "> 64", ">= 0"),
    ("DiskBusy", "rate(node_disk_io_time_seconds_total{{{i}}}[5m])", "> 0.99", ">= 0"),
    ("TargetDown", "up{{{i}}}", "== 0", "== 1"),
    ("NetworkErrors", "increase(node_network_receive_errs_total{{{i}}}[5m])", "> 1000", ">= 0"),
    ("FileDescriptorsHigh", "node_filefd_allocated{{{i}}} / node_filefd_maximum{{{i}}}",
     "> 0.95", "> 0"),
    ("CpuBusy", 'sum by (instance) (rate(node_cpu_seconds_total{{{i},mode!="idle"}}[5m]))',
     "> 64", ">= 0"),
]


def quote(s):
    return "'" + s.replace("'", "''") + "'"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instances", required=True)
    ap.add_argument("--groups", type=int, default=100)
    ap.add_argument("--rules-per-group", type=int, default=100)
    ap.add_argument("--interval", default="15s")
    ap.add_argument("--fire-every", type=int, default=20,
                    help="one block of ten rules in N has always-true thresholds (0: none)")
    args = ap.parse_args()
    instances = [l.strip() for l in open(args.instances) if l.strip()]
    if not instances:
        sys.exit("no instances in " + args.instances)

    out = sys.stdout
    out.write("groups:\n")
    i = 0
    for g in range(args.groups):
        out.write(f"  - name: bench-{g:03d}\n    interval: {args.interval}\n    rules:\n")
        for _ in range(args.rules_per_group):
            name, expr, normal, always = KINDS[i % len(KINDS)]
            block = i // len(KINDS)
            inst = instances[block % len(instances)]
            fires = args.fire_every > 0 and block % args.fire_every == 0
            e = expr.format(i=f'instance="{inst}"') + " " + (always if fires else normal)
            out.write(f"      - alert: {name}\n        expr: {quote(e)}\n")
            if i % 3 == 0:
                out.write("        for: 1m\n")
            out.write("        labels:\n"
                      f"          severity: {'critical' if i % 4 == 0 else 'warning'}\n"
                      f"          team: team-{g % 10}\n"
                      f"          rule_id: r{i:05d}\n"
                      "        annotations:\n"
                      "          summary: '{{ $labels.instance }}: " + name +
                      " ({{ $value | humanize }})'\n")
            i += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
