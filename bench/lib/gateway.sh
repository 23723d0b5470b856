# Shared by bench/run and bench/soak: the publisher, a gateway configuration per payload format, one
# measured gateway case, the 10-million-reading store and the start-up timer. Sourced after `work`,
# `bin` and `port` are set; the caller's EXIT trap stops what these start.

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# publish QOS FORMAT COUNT DEVICES RATE [extra utility-sim options…]: the simulator's load.
publish() {
  local qos=$1 format=$2 count=$3 devices=$4 rate=$5
  shift 5
  local rows=1
  [ "$format" = csv ] && rows=10
  "$bin/utility-sim" publish --broker "mqtt://127.0.0.1:$port" --devices "$devices" --rate "$rate" --count "$count" \
    --qos "$qos" --seed 7 --topic-prefix utilities --max-in-flight 100 --format "$format" --rows "$rows" "$@"
}

# gateway_config FORMAT QOS SYNC STATE_DIR LABEL > gateway.yaml: config/gateway.yaml with the rule
# packs, its routes switched to FORMAT (SenML: the device from `bn`, no `timestamp:`), a clean
# session (a persistent one would keep every earlier case's subscription queueing at the broker),
# and free ports. With `case_rules=off` the rule packs are left out (bench/run's diagnostic rows).
case_rules=on
gateway_config() {
  local format=$1 qos=$2 sync=$3 state=$4 label=$5
  local senml=("-e" "s#^##") rules=("-e" "s#^##")
  [ "$case_rules" = off ] && rules=("-e" "s#include: \[rules/.*\]#include: []#")
  [ "$format" = senml ] && senml=("-e" "/timestamp: { path: ts, format: epoch_ms }/d" "-e" "s#device: \"{topic.3}\"#device: \"{payload.bn}\"#")
  sed -e "s#url: mqtt://127.0.0.1:1883#url: mqtt://127.0.0.1:$port#" -e "s#state_dir: .*#state_dir: $state#" \
      -e "s#synchronous: normal#synchronous: $sync#" -e "s#listen: 127.0.0.1:8480#listen: 127.0.0.1:$(free_port)#" \
      -e "s#qos: 1#qos: $qos#" -e "s#client_id: utility-gateway-site-01#client_id: bench-$label#" \
      -e "s#session: persistent#session: clean#" -e "/session_expiry:/d" \
      -e "s#format: json#format: $format#" "${senml[@]}" "${rules[@]}" config/gateway.yaml
}

# start_gateway STATE_DIR LABEL CONFIG: starts the daemon with the commit trace on; sets `daemon`.
start_gateway() {
  local state=$1 label=$2 config=$3
  rm -rf "$work/rules"; cp -R config/rules "$work/"
  UTILITY_GATEWAY_BENCH_COMMIT_TRACE="$work/trace-$label.txt" \
    "$bin/utility-gatewayd" --config "$config" 2> "$work/gatewayd-$label.log" &
  daemon=$!
  pids=("$daemon" "${pids[@]}")
  for _ in $(seq 1 300); do
    local subscribed
    subscribed=$(grep -c "mqtt.subscribed" "$work/gatewayd-$label.log" 2>/dev/null) || true
    [ "${subscribed:-0}" -ge 3 ] && return 0
    sleep 0.1
  done
  echo "error: the daemon did not subscribe (log: $work/gatewayd-$label.log)" >&2
  tail -20 "$work/gatewayd-$label.log" >&2
  return 1
}

# stop_gateway: SIGTERM, wait, and forget the pid.
stop_gateway() {
  kill -TERM "$daemon" 2>/dev/null || true
  wait "$daemon" 2>/dev/null || true
  pids=("${pids[@]:1}")
}

# run_gateway_case FORMAT QOS SYNC MESSAGES DEVICES LABEL [RATE]: a fresh store, the daemon, the
# load; waits until every message is committed (or, QoS 0, nothing arrived for 5 s after the
# publisher ended). Sets case_stored (readings in the store) and case_rss_kb (the daemon's VmHWM),
# and writes the trace's figures to $work/stats.json.
run_gateway_case() {
  local format=$1 qos=$2 sync=$3 count=$4 devices=$5 label=$6 rate=${7:-0}
  local state="$work/state-$label" trace="$work/trace-$label.txt" send_time=()
  [ "$rate" != 0 ] && send_time=(--send-time)
  rm -rf "$state"; mkdir -p "$state"
  gateway_config "$format" "$qos" "$sync" "$state" "$label" > "$work/gateway-$label.yaml"
  start_gateway "$state" "$label" "$work/gateway-$label.yaml"
  publish "$qos" "$format" "$count" "$devices" "$rate" "${send_time[@]}" > "$work/publisher-$label.txt" &
  local publisher=$! last=-1 stable=0 committed
  while :; do
    committed=$(python3 bench/lib/trace_stats.py "$trace" count 2>/dev/null || echo 0)
    [ "$committed" -ge "$count" ] && break
    if [ "$committed" != "$last" ]; then last=$committed; stable=0; else stable=$((stable + 1)); fi
    if ! kill -0 "$publisher" 2>/dev/null && [ "$stable" -ge 25 ]; then break; fi
    sleep 0.2
  done
  wait "$publisher" || true
  case_rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$daemon/status")
  stop_gateway
  python3 bench/lib/trace_stats.py "$trace" stats --warmup-s 1 > "$work/stats.json"
  case_stored=$(sqlite3 "file:$state/gateway.sqlite?mode=ro" \
    "SELECT (SELECT count(*) FROM readings_recent) + (SELECT count(*) FROM readings)" 2>/dev/null || echo 0)
}

# cached_10m_store: prints the path of store-bench's 10-million-reading two-tier store, generating
# it once into /tmp/bench-api-cache (the cache bench/api uses).
cached_10m_store() {
  local cache=/tmp/bench-api-cache rows=10000000
  local store="$cache/rows-$rows/two-tier.sqlite"
  if [ ! -f "$store" ]; then
    log "generating a store of $rows readings with store-bench (once; cached in $cache)"
    rm -rf "$cache/rows-$rows.partial"; mkdir -p "$cache/rows-$rows.partial"
    "$bin/store-bench" --layouts two-tier --rows "$rows" --queries 10 --keep --dir "$cache/rows-$rows.partial" \
      > "$cache/rows-$rows.partial/store-bench.txt"
    sqlite3 "$cache/rows-$rows.partial/two-tier.sqlite" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
    mv "$cache/rows-$rows.partial" "$cache/rows-$rows"
  fi
  echo "$store"
}

# time_to_ready STATE_DIR: starts the daemon on the store in STATE_DIR, prints the seconds from exec
# to the first 200 from /readyz, and stops it.
time_to_ready() {
  local state=$1 api_port
  api_port=$(free_port)
  gateway_config json 1 normal "$state" startup > "$work/gateway-startup.yaml"
  sed -i "s#listen: 127.0.0.1:[0-9]*#listen: 127.0.0.1:$api_port#" "$work/gateway-startup.yaml"
  rm -rf "$work/rules"; cp -R config/rules "$work/"
  local start end
  start=$(date +%s%N)
  "$bin/utility-gatewayd" --config "$work/gateway-startup.yaml" > /dev/null 2> "$work/gatewayd-startup.log" &
  daemon=$!
  pids=("$daemon" "${pids[@]}")
  until curl -sf -o /dev/null "http://127.0.0.1:$api_port/readyz"; do
    kill -0 "$daemon" 2>/dev/null || { tail -20 "$work/gatewayd-startup.log" >&2; return 1; }
    sleep 0.01
  done
  end=$(date +%s%N)
  stop_gateway
  python3 -c "print(round(($end - $start) / 1e9, 3))"
}
