#!/usr/bin/python3
"""The naive baseline of bench/run: what a user would otherwise write.

A paho-mqtt subscriber (Debian's python3-paho-mqtt, so run it with /usr/bin/python3) that parses
each JSON message, checks one threshold and inserts its readings into SQLite (WAL), committing
after every message (--commit-every 1: paho 1.6 sends a QoS 1 PUBACK after on_message returns, so
nothing acknowledged is lost) or after every N messages (--commit-every 1000: up to N-1
acknowledged messages are lost on a crash).

Usage: naive_subscriber.py HOST PORT TOPIC QOS EXPECTED DB [--commit-every N] [--synchronous normal|full]
                           [--ready-file PATH]   (created once the broker granted the subscription)

Prints one JSON line {"messages":N,"seconds":S,"rate":R,"alerts":A} measured from the first
message to the last commit, when EXPECTED messages are stored or nothing came for 5 s.
Loopback only.
"""
import argparse
import json
import sqlite3
import sys
import time

import paho.mqtt.client as mqtt


def main():
    parser = argparse.ArgumentParser()
    for name in ("host", "port", "topic", "qos", "expected", "db"):
        parser.add_argument(name)
    parser.add_argument("--commit-every", type=int, default=1)
    parser.add_argument("--synchronous", default="normal")
    parser.add_argument("--ready-file")
    args = parser.parse_args()
    expected = int(args.expected)

    db = sqlite3.connect(args.db, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(f"PRAGMA synchronous={args.synchronous.upper()}")
    db.execute("CREATE TABLE IF NOT EXISTS readings (device TEXT, metric TEXT, ts INTEGER, value REAL,"
               " PRIMARY KEY (device, metric, ts))")
    db.execute("CREATE TABLE IF NOT EXISTS alerts (device TEXT, metric TEXT, ts INTEGER, value REAL)")
    state = {"messages": 0, "first": None, "last": None, "alerts": 0, "uncommitted": 0}
    db.execute("BEGIN")

    def on_connect(client, userdata, flags, rc):
        client.subscribe(args.topic, int(args.qos))

    def on_subscribe(client, userdata, mid, granted_qos):
        if args.ready_file:
            open(args.ready_file, "w").close()

    def on_message(client, userdata, message):
        now = time.monotonic()
        if state["first"] is None:
            state["first"] = now
        try:
            doc = json.loads(message.payload)
        except ValueError:
            return
        device = message.topic.split("/")[3]
        ts = doc.get("ts")
        for metric, value in doc.items():
            if metric in ("ts", "seq", "sent_us"):
                continue
            db.execute("INSERT OR IGNORE INTO readings VALUES (?, ?, ?, ?)", (device, metric, ts, value))
            if metric == "pressure" and value > 500:  # the one threshold
                db.execute("INSERT INTO alerts VALUES (?, ?, ?, ?)", (device, metric, ts, value))
                state["alerts"] += 1
        state["messages"] += 1
        state["uncommitted"] += 1
        if state["uncommitted"] >= args.commit_every or state["messages"] >= expected:
            db.execute("COMMIT")
            db.execute("BEGIN")
            state["uncommitted"] = 0
        state["last"] = time.monotonic()

    client = mqtt.Client(client_id=f"naive-baseline-{args.commit_every}", clean_session=True)
    client.on_connect = on_connect
    client.on_message = on_message
    client.on_subscribe = on_subscribe
    client.connect(args.host, int(args.port), keepalive=60)
    deadline = time.monotonic() + 120
    while state["messages"] < expected:
        client.loop(timeout=0.1)
        now = time.monotonic()
        if state["first"] is None and now > deadline:
            break
        if state["last"] is not None and now - state["last"] > 5:
            break
    if state["uncommitted"]:
        db.execute("COMMIT")
        state["last"] = time.monotonic()
    else:
        db.execute("ROLLBACK")
    client.disconnect()
    n = state["messages"]
    seconds = (state["last"] - state["first"]) if n > 1 else 0.0
    print(json.dumps({"messages": n, "seconds": round(seconds, 6),
                      "rate": round((n - 1) / seconds, 1) if seconds > 0 else 0.0, "alerts": state["alerts"]}))


if __name__ == "__main__":
    sys.exit(main())
