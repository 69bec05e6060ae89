# Shared by tools/bench/ingress and tools/bench/ingress_profile: a private
# PostgreSQL, easymod on a fresh database, and the Node peer, all stopped on
# exit. Source it after tools/lib/common.sh.
# shellcheck shell=bash

pg_port=${EASYMO_BENCH_PG_PORT:-55441}
http_port=${EASYMO_BENCH_HTTP_PORT:-58080}
peer_port=${EASYMO_BENCH_PEER_PORT:-58090}
secret=bench-app-secret
out=${EASYMO_BENCH_OUT:-var/bench/ingress}
mkdir -p "$out"

daemon="" peer="" postmaster=""
bench_cleanup() {
  [[ -n $daemon ]] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
  [[ -n $peer ]] && kill "$peer" 2>/dev/null && wait "$peer" 2>/dev/null
  tools/lib/pg stop var/bench/pg "$pg_port" >&2 || true
}
trap bench_cleanup EXIT

# build_targets <target...>
build_targets() {
  if [[ ! -f build/build.ninja || ! -d build/tools/bench ]]; then
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  cmake --build build --target "$@" -j "$jobs" >&2
}

# start_easymod <database>: fresh database, easymod with the default config
# (plus EASYMOD_ARGS and EASYMO_* from the environment), waits for /readyz.
# EASYMO_BENCH_EASYMOD runs another binary (an older build, for an A/B).
start_easymod() {
  tools/lib/pg start var/bench/pg "$pg_port" >&2
  local conn dir
  conn=$(tools/lib/pg url var/bench/pg "$pg_port")
  dir=${conn#host=}
  dir=${dir%% *}
  postmaster=$(head -n1 "$dir/../data/postmaster.pid")
  psql=(/usr/lib/postgresql/15/bin/psql -h "$dir" -p "$pg_port" -U easymo -qAt
        -v ON_ERROR_STOP=1)
  "${psql[@]}" -d easymo -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" \
    -c "CREATE DATABASE $1" 2>/dev/null
  # shellcheck disable=SC2086 # EASYMOD_ARGS is a word list on purpose.
  EASYMO_DATABASE_URL="${conn/dbname=easymo/dbname=$1}" \
  EASYMO_HTTP_HOST=127.0.0.1 EASYMO_HTTP_PORT=$http_port \
  EASYMO_ADMIN_PORT=$((http_port + 1)) EASYMO_WHATSAPP_APP_SECRET=$secret \
  EASYMO_LOG_LEVEL=${EASYMO_LOG_LEVEL:-warn} "${EASYMO_BENCH_EASYMOD:-build/easymod}" \
    ${EASYMOD_ARGS:-} \
    2>"$out/easymod.log" &
  daemon=$!
  for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$http_port/readyz" >/dev/null && return 0
    sleep 0.2
  done
  tail -n 20 "$out/easymod.log" >&2
  return 1
}

start_peer() {
  node tools/bench/peer/server.js "$peer_port" "$secret" >"$out/peer.log" 2>&1 &
  peer=$!
  for _ in $(seq 50); do
    curl -s -o /dev/null "http://127.0.0.1:$peer_port/" && return 0
    sleep 0.1
  done
  return 1
}

# cpu_ticks <pid...>: user+system clock ticks (1/100 s) of the processes.
cpu_ticks() {
  local sum=0 pid
  for pid in "$@"; do
    sum=$((sum + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$sum"
}

# The backends of the bench PostgreSQL (children of its postmaster).
pg_backends() {
  pgrep -P "$postmaster" | tr '\n' ' '
}
