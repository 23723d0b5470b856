#!/usr/bin/env python3
"""The checks of bench/soak over its samples (elapsed_s,uplink,rss_kb,fds):

  soak_check.py SAMPLES WARMUP_S CYCLE_S STORED EXPECTED CI

- lost readings: STORED must equal EXPECTED (3 x messages the broker acknowledged);
- fd growth: after the warm-up, the second half's highest fd count is at most the first half's + 2
  (the count moves with the uplink's socket and reconnects);
- RSS growth (not with CI=true): the highest RSS of the last uplink cycle (CYCLE_S = up + down)
  against the highest of the first full cycle after the warm-up, at most +5 %. Peaks against peaks:
  RSS swings by ~10-20 % within a cycle (the rules' snapshot every 30 s, the backlog drained after
  each outage), so one sample against the maximum of the rest measures the swing, not a leak.
  Runs shorter than the warm-up plus two cycles compare the halves after the warm-up.
Exits 1 when a check fails.
"""
import csv
import sys


def main():
    path, warmup, cycle = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    stored, expected, ci = int(sys.argv[4]), int(sys.argv[5]), sys.argv[6] == "true"
    rows = [(int(r["elapsed_s"]), r["uplink"], int(r["rss_kb"]), int(r["fds"])) for r in csv.DictReader(open(path))]
    failures = []
    print(f"readings stored {stored}, expected {expected} (3 x messages acknowledged by the broker)")
    if stored != expected:
        failures.append(f"lost readings: {expected - stored}")
    after = [r for r in rows if r[0] >= warmup]
    if len(after) >= 2:
        half = len(after) // 2
        first, last = max(r[3] for r in after[:half]), max(r[3] for r in after[half:])
        print(f"open fds after the warm-up: at most {first} in the first half, {last} in the second")
        if last > first + 2:
            failures.append(f"file descriptors grew from {first} to {last}")
    if not ci and len(after) >= 2:
        end = rows[-1][0]
        if end - warmup >= 2 * cycle:
            base_rows = [r for r in after if r[0] < warmup + cycle]
            last_rows = [r for r in after if r[0] > end - cycle]
            what = f"the first cycle after the warm-up ({warmup}-{warmup + cycle} s) and the last ({end - cycle}-{end} s)"
        else:
            half = len(after) // 2
            base_rows, last_rows = after[:half], after[half:]
            what = "the halves after the warm-up"
        base, peak = max(r[2] for r in base_rows), max(r[2] for r in last_rows)
        rss = sorted(r[2] for r in after)
        print(f"RSS after the warm-up: min {rss[0]} kB, median {rss[len(rss) // 2]} kB, max {rss[-1]} kB")
        print(f"RSS peak {base} kB and {peak} kB in {what}: {(peak / base - 1) * 100:+.1f} %")
        if peak > base * 1.05:
            failures.append(f"RSS grew {(peak / base - 1) * 100:.1f} % from {what.split(' and ')[0]} to the last")
    for failure in failures:
        print("FAIL:", failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
