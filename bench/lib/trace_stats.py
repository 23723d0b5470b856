#!/usr/bin/env python3
"""Figures from the daemon's commit trace (UTILITY_GATEWAY_BENCH_COMMIT_TRACE, see
Sources/GatewayIngest/CommitTrace.swift), for bench/run and bench/soak.

  trace_stats.py TRACE count              -> messages committed so far (one integer)
  trace_stats.py TRACE stats [--warmup-s S] -> one JSON object:
      messages, batches, mean_batch, rate (messages after the first batch / span of commit times),
      and when the trace has send times: latency_samples, p50_us, p99_us, p999_us, max_us
      (publish-to-commit, samples sent in the first S seconds dropped as warm-up), and
      stalls: gaps of more than 50 ms between two batch commits while messages kept coming
      (stall_count, stall_p50_ms, stall_max_ms, stall_every_s: the median time between them) —
      at a steady paced load such a gap is the loop thread held by something other than a batch.
"""
import json
import sys


def read(path):
    batches, samples = [], []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 3 and len(parts) != 2:
                continue  # a line being written
            if parts[0] == "batch" and len(parts) == 3:
                batches.append((int(parts[1]), int(parts[2])))
            elif len(parts) == 2:
                samples.append((int(parts[0]), int(parts[1])))
    return batches, samples


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[index]


def main():
    path, mode = sys.argv[1], sys.argv[2]
    warmup = float(sys.argv[sys.argv.index("--warmup-s") + 1]) if "--warmup-s" in sys.argv else 0.0
    batches, samples = read(path)
    if mode == "count":
        print(sum(n for _, n in batches))
        return
    messages = sum(n for _, n in batches)
    out = {"messages": messages, "batches": len(batches),
           "mean_batch": round(messages / len(batches), 1) if batches else 0}
    if len(batches) > 1:
        span = (batches[-1][0] - batches[0][0]) / 1e6
        out["rate"] = round((messages - batches[0][1]) / span) if span > 0 else 0
        out["first_commit_us"], out["last_commit_us"] = batches[0][0], batches[-1][0]
    if samples:
        start = min(s for s, _ in samples) + warmup * 1e6
        latencies = sorted(c - s for s, c in samples if s >= start)
        out.update({"latency_samples": len(latencies), "p50_us": percentile(latencies, 50),
                    "p99_us": percentile(latencies, 99), "p999_us": percentile(latencies, 99.9),
                    "max_us": latencies[-1] if latencies else None})
        commits = [t for t, _ in batches if t >= start]
        gaps = [(b - a, a) for a, b in zip(commits, commits[1:]) if b - a > 50_000]
        if gaps:
            sizes = sorted(g for g, _ in gaps)
            times = [t for _, t in gaps]
            intervals = sorted(b - a for a, b in zip(times, times[1:]))
            out.update({"stall_count": len(gaps), "stall_p50_ms": round(sizes[len(sizes) // 2] / 1000),
                        "stall_max_ms": round(sizes[-1] / 1000),
                        "stall_every_s": round(intervals[len(intervals) // 2] / 1e6, 2) if intervals else None})
        else:
            out["stall_count"] = 0
    print(json.dumps(out))


if __name__ == "__main__":
    main()
