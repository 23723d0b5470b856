# Shared by scripts/demo, scripts/test and bench/*: installing what is missing, and free ports.
# Sourced, not run.

repo_root() { cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd; }

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Debian packages the gateway needs to build, test and run. python3-paho-mqtt is the baseline
# subscriber of the benchmarks; curl is what the README and tests use to talk to the API; faketime
# (libfaketime) runs the daemon alone at a shifted wall clock in the clock-jump tests; systemd
# (systemd-analyze, -sysusers, -tmpfiles) verifies the unit in the deployment tests.
REQUIRED_PACKAGES=(mosquitto mosquitto-clients libmosquitto-dev libsqlite3-dev sqlite3 pkg-config openssl python3-paho-mqtt curl faketime systemd)

# Installs the missing packages with apt — REQUIRED_PACKAGES and any named as arguments (bench/profile
# adds linux-perf and valgrind) —; skips apt entirely when everything is there, so reruns are fast.
# `apt-get update` runs first because a fresh machine finds nothing without it.
ensure_packages() {
  local missing=()
  for p in "${REQUIRED_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  if ! command -v swift >/dev/null 2>&1; then
    if [ -x /opt/swift/usr/bin/swift ]; then
      export PATH="/opt/swift/usr/bin:$PATH"
    else
      echo "error: Swift 6.x is not on PATH; install the Swift toolchain (swift.org) and retry" >&2
      exit 1
    fi
  fi
}

# Prints a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Waits until something accepts TCP connections on 127.0.0.1:$1, for at most $2 seconds.
wait_for_port() {
  local port=$1 deadline=$(( $(date +%s) + ${2:-10} ))
  until python3 -c "import socket,sys; s=socket.socket(); s.settimeout(0.2); sys.exit(s.connect_ex(('127.0.0.1',$port)))" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "error: nothing listens on 127.0.0.1:$port after ${2:-10}s" >&2; return 1; }
    sleep 0.1
  done
}

# Writes a mosquitto config for a broker on 127.0.0.1:$2 with persistence in $1, from the shipped
# config/mosquitto.conf.
write_broker_config() {
  local dir=$1 port=$2
  mkdir -p "$dir/data"
  {
    cat "$(repo_root)/config/mosquitto.conf"
    echo "listener $port 127.0.0.1"
    echo "allow_anonymous true"
    echo "persistence_location $dir/data/"
    echo "log_dest file $dir/mosquitto.log"
    # Started as root, mosquitto drops to the 'mosquitto' user and then silently fails to write a
    # root-owned persistence folder; keep the user it was started as.
    [ "$(id -u)" -ne 0 ] || echo "user root"
  } > "$dir/mosquitto.conf"
}
