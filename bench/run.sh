#!/usr/bin/env bash
# Runs the relay benchmarks against the nchan reference and prints a table of figures and ratios.
#   bench/run.sh                 # all three: memory, latency, writes (about 3-4 minutes with defaults)
#   bench/run.sh latency --duration 10
#   bench/run.sh ttff            # watch → first frame: floor, PeerJS, RemoteCam (headless chromium; no nginx)
#   bench/run.sh ttff --scan 1 --rtt 40   # opening a viewer invitation → first frame, WebSocket vs REST, 0 and 40 ms round trip
#   bench/run.sh fuzz --long     # 100,000 generated requests against the relay (no nginx)
#   bench/run.sh soak --long     # 10 minutes of 2,000 streams, 1,000 writes/s and a slow reader (no nginx)
#   bench/run.sh presence        # bytes per camera-day of presence: REST heartbeat vs WebSocket (no nginx)
#   bench/run.sh clips           # sealing/opening clip chunks vs a plain copy, bytes per minute of clip (no nginx)
#   bench/run.sh storage         # clip storage MB/s through the relay vs a durable file copy on the same disk (no nginx)
#   bench/run.sh motion          # motion detector cost, camera frame rate and CPU with recording on vs off (headless chromium)
#   bench/run.sh --help          # every option
# Installs nothing. Needs: the .NET SDK, nginx (on PATH or $NGINX) and its nchan module
# (nginx's modules path or $NCHAN_MODULE). Debian: apt-get install nginx libnginx-mod-nchan
# ttff and motion need instead: node with the repository's npm packages (npm ci) and chromium
# (on PATH or $REMOTECAM_CHROMIUM). See docs/bench.md.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

fail() { echo "bench/run.sh: $*" >&2; exit 2; }

command -v dotnet >/dev/null 2>&1 || fail "the .NET SDK (dotnet) is not on PATH"

build_bench() {
  echo "building RemoteCam.Bench (Release)..." >&2
  dotnet build bench/RemoteCam.Bench/RemoteCam.Bench.csproj -c Release -nologo -v quiet >&2 \
    || fail "build failed"
}

if [ "${1:-}" = motion ]; then
  command -v node >/dev/null 2>&1 || fail "node is not on PATH (Debian: apt-get install nodejs npm)"
  [ -d node_modules/esbuild ] || fail "the npm packages are missing: run npm ci"
  if [ -z "${REMOTECAM_CHROMIUM:-}" ]; then
    command -v chromium >/dev/null 2>&1 || fail "chromium not found: put it on PATH or set REMOTECAM_CHROMIUM (Debian: apt-get install chromium)"
  fi
  echo "building the pages (web/dist)..." >&2
  npm run --silent build >&2 || fail "npm run build failed"
  build_bench
  exec dotnet bench/RemoteCam.Bench/bin/Release/net10.0/RemoteCam.Bench.dll "$@"
fi

if [ "${1:-}" = ttff ]; then
  command -v node >/dev/null 2>&1 || fail "node is not on PATH (Debian: apt-get install nodejs npm)"
  [ -d node_modules/peer ] && [ -d node_modules/peerjs ] && [ -d node_modules/esbuild ] \
    || fail "the npm packages are missing: run npm ci"
  if [ -z "${REMOTECAM_CHROMIUM:-}" ]; then
    command -v chromium >/dev/null 2>&1 || fail "chromium not found: put it on PATH or set REMOTECAM_CHROMIUM (Debian: apt-get install chromium)"
  fi
  echo "building the pages (web/dist) and the bench pages (bench/web/dist)..." >&2
  npm run --silent build >&2 || fail "npm run build failed"
  node bench/web/build.mjs >&2 || fail "bench/web/build.mjs failed"
  build_bench
  exec dotnet bench/RemoteCam.Bench/bin/Release/net10.0/RemoteCam.Bench.dll "$@"
fi

# fuzz and soak measure the relay alone: no reference server, so no nginx.
if [ "${1:-}" = fuzz ] || [ "${1:-}" = soak ]; then
  ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 8192 ]; then
    fail "open-file limit is $(ulimit -n); the soak needs at least 8192 (ulimit -n 65536)"
  fi
  # As below: the load generator's own GC pauses stay out of the measured latencies.
  export DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x10000000}"
  build_bench
  exec dotnet bench/RemoteCam.Bench/bin/Release/net10.0/RemoteCam.Bench.dll "$@"
fi

if [ "${1:-}" = presence ] || [ "${1:-}" = clips ] || [ "${1:-}" = storage ]; then
  # The relay alone (bytes on the wire per camera-day): no nginx needed.
  build_bench
  exec dotnet bench/RemoteCam.Bench/bin/Release/net10.0/RemoteCam.Bench.dll "$@"
fi

# nginx: $NGINX, else PATH, else the usual sbin directories (not always on a non-root PATH).
if [ -z "${NGINX:-}" ]; then
  NGINX="$(PATH="$PATH:/usr/sbin:/usr/local/sbin:/usr/local/nginx/sbin" command -v nginx || true)"
fi
[ -n "$NGINX" ] && [ -x "$NGINX" ] || fail "nginx not found: put it on PATH or set NGINX=/path/to/nginx (Debian: apt-get install nginx libnginx-mod-nchan)"
export NGINX

# nchan: $NCHAN_MODULE, else built in statically, else ngx_nchan_module.so in nginx's --modules-path.
nginx_info="$("$NGINX" -V 2>&1)"
if [ -n "${NCHAN_MODULE:-}" ]; then
  [ -f "$NCHAN_MODULE" ] || fail "NCHAN_MODULE=$NCHAN_MODULE does not exist"
elif ! grep -Eq -- '--add-module=[^ ]*nchan' <<<"$nginx_info"; then
  modules_path="$(grep -Eo -- '--modules-path=[^ ]+' <<<"$nginx_info" | head -n1 | cut -d= -f2)"
  [ -n "$modules_path" ] && [ -f "$modules_path/ngx_nchan_module.so" ] \
    || fail "the nchan module for $NGINX was not found (looked in ${modules_path:-the nginx modules path}); install it (Debian: apt-get install libnginx-mod-nchan) or set NCHAN_MODULE=/path/to/ngx_nchan_module.so"
fi

# 2,100 streams in the load generator plus as many on the server side: raise the open-file limit.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 8192 ]; then
  fail "open-file limit is $(ulimit -n); the benchmarks need at least 8192 (ulimit -n 65536)"
fi

# The load generator's own GC pauses would land in the measured latencies of both servers: give it a
# 256 MiB gen0 budget so that it collects about never during a run. The relay child process does not
# inherit this (RelayTarget removes it): it runs with the product's default runtime settings.
export DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x10000000}"

build_bench

exec dotnet bench/RemoteCam.Bench/bin/Release/net10.0/RemoteCam.Bench.dll "${@:-all}"
