# Shared by tools/run and tools/test: paths, build, and the private servers.
# shellcheck shell=bash

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

jobs=${EASYMO_BUILD_JOBS:-$(nproc)}

# build <dir> <build type>
build() {
  local dir=$1 type=$2
  if [[ ! -f "$dir/build.ninja" ]]; then
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" >/dev/null
  fi
  cmake --build "$dir" -j "$jobs"
}

# start_postgres <var dir> <port>: prints the connection string
start_postgres() {
  tools/lib/pg start "$1/pg" "$2" >&2
  tools/lib/pg url "$1/pg" "$2"
}

stop_postgres() {
  tools/lib/pg stop "$1/pg" "$2" >&2 || true
}
