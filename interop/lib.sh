# What the interop scripts share; sourced after they set `here` (this directory) and `rmqsim` (the binary).
# Provides: require_node (skip or fail without node, install the pinned ali-ons once), a work directory `work`
# removed on exit with `rmqsim serve` stopped, and start_serve.

# Exit 77 (skipped) without node and npm outside CI; in CI a missing node is a failure (ci/install-deps installs it).
require_node() {
  if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
    if [ "${CI:-}" = "true" ]; then
      echo "FAIL: node/npm are missing; ci/install-deps should have installed them" >&2
      exit 1
    fi
    echo "SKIP: node and npm are not installed (bash ci/install-deps installs them); the interop test needs them"
    exit 77
  fi
  if [ ! -d "$here/node_modules/ali-ons" ]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

work="$(mktemp -d)"
log="$work/serve.log"
serve_pid=""
cleanup() {
  if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2> /dev/null; then kill -TERM "$serve_pid"; wait "$serve_pid" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# start_serve FIRST_PORT SLOTS [SERVE FLAGS...]: `rmqsim serve` with 2 brokers and InteropTopic:4, its nameserver
# on a random base port FIRST_PORT + 10*k (k < SLOTS; each script has a range of its own) and broker i on base
# + 1 + 10*i; retried with another base when a port is taken. Sets `base`; prints the ready line.
start_serve() {
  local first="$1" slots="$2" attempt
  shift 2
  for attempt in 1 2 3 4 5; do
    base=$(( first + (RANDOM % slots) * 10 ))
    : > "$log"  # exists before the first grep below (the background redirect may open it later)
    "$rmqsim" serve --namesrv-port "$base" --broker-base-port $(( base + 1 )) --brokers 2 \
      --topic InteropTopic:4 "$@" > "$log" 2>&1 &
    serve_pid=$!
    for _ in $(seq 1 100); do
      grep -q "rmqsim serve: ready" "$log" && break
      kill -0 "$serve_pid" 2> /dev/null || break
      sleep 0.1
    done
    grep -q "rmqsim serve: ready" "$log" && break
    kill -TERM "$serve_pid" 2> /dev/null || true
    wait "$serve_pid" || true
    serve_pid=""
    echo "serve did not start on base port $base (attempt $attempt): $(head -c 300 "$log")" >&2
  done
  [ -n "$serve_pid" ] || { echo "FAIL: rmqsim serve never became ready" >&2; exit 1; }
  grep "rmqsim serve: ready" "$log"
}

# stop_serve: SIGTERM to `rmqsim serve`, which must stop cleanly and print its per-broker statistics. Sets
# status=1 on a failure.
stop_serve() {
  kill -TERM "$serve_pid"
  wait "$serve_pid" || { echo "FAIL: rmqsim serve did not stop cleanly on SIGTERM" >&2; status=1; }
  serve_pid=""
  grep -q "rmqsim serve: stopped" "$log" || { echo "FAIL: no 'stopped' line from rmqsim serve" >&2; status=1; }
  grep "rmqsim serve: broker-" "$log" || true
}

# check_stored EXPECTED: after stop_serve, both brokers stored messages (the sends were spread) and EXPECTED in all.
check_stored() {
  local expected="$1" stored total=0 n
  stored=$(grep -o "messages_stored=[0-9]*" "$log" | cut -d= -f2 | tr '\n' ' ')
  local -a per_broker
  read -r -a per_broker <<< "$stored"
  for n in "${per_broker[@]}"; do
    total=$(( total + n ))
    [ "$n" -gt 0 ] || { echo "FAIL: a broker stored nothing (messages_stored: $stored)" >&2; status=1; }
  done
  [ "${#per_broker[@]}" -eq 2 ] || { echo "FAIL: expected stats of 2 brokers, got: $stored" >&2; status=1; }
  [ "$total" -eq "$expected" ] || { echo "FAIL: the brokers stored $total messages, not $expected" >&2; status=1; }
}
