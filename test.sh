#!/usr/bin/env bash
# Runs every test and prints one summary line. First it makes sure this machine has what the
# tests drive (docs/testing.md "What they need"): the .NET SDK, Node.js 20+ with npm, Debian's
# chromium, coturn's turnserver, ffmpeg/ffprobe, iproute2's ip, and root for the network
# namespaces. Missing Debian packages are installed when it can (root with apt-get; installed
# services are not started); otherwise it names what is missing and exits 2 before running
# anything. Then npm ci when node_modules is missing or stale, then the whole .NET test suite.
#   ./test.sh                 # everything
#   ./test.sh --install-only  # only the prerequisites and npm packages (.ci/run, before dotnet format)
set -euo pipefail
cd "$(dirname "$0")"

install_only=
case "${1:-}" in
  --install-only) install_only=1 ;;
  "") ;;
  *) echo "usage: ./test.sh [--install-only]" >&2; exit 2 ;;
esac

# Each check prints nothing when the tool is there, else "PACKAGE|what is missing" (PACKAGE empty
# when no Debian package would help: a variable pointing at nothing, a tool apt does not have).
on_path() { PATH="$PATH:/usr/sbin:/sbin" command -v "$1" >/dev/null 2>&1; }
check_tools() {
  on_path dotnet || echo "|the .NET SDK (dotnet; see global.json for the version: https://dot.net, Debian packages from Microsoft's repository)"
  if ! on_path node || ! on_path npm; then
    echo "nodejs npm|Node.js 20 or later with npm"
  elif [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
    echo "|Node.js 20 or later (this is $(node --version); Debian 12 ships 18: install 20 from NodeSource or nvm)"
  fi
  if [ -n "${REMOTECAM_CHROMIUM:-}" ]; then
    [ -x "$REMOTECAM_CHROMIUM" ] || echo "|chromium: REMOTECAM_CHROMIUM=$REMOTECAM_CHROMIUM is not an executable file (unset it to use chromium on PATH)"
  else
    on_path chromium || echo "chromium|chromium (Debian's chromium package; never a browser from 'playwright install')"
  fi
  if [ -n "${REMOTECAM_TURNSERVER:-}" ]; then
    [ -x "$REMOTECAM_TURNSERVER" ] || echo "|coturn: REMOTECAM_TURNSERVER=$REMOTECAM_TURNSERVER is not an executable file (unset it to use turnserver on PATH)"
  else
    on_path turnserver || [ -x /usr/bin/turnserver ] || echo "coturn|coturn's turnserver (Debian's coturn package)"
  fi
  { on_path ffmpeg && on_path ffprobe; } || echo "ffmpeg|ffmpeg and ffprobe (Debian's ffmpeg package)"
  on_path ip || echo "iproute2|ip (Debian's iproute2 package), for the tests' network namespaces"
}

missing=$(check_tools)
packages=$(cut -d'|' -f1 <<<"$missing" | tr '\n' ' ' | xargs -n1 2>/dev/null | sort -u | xargs || true)
if [ -n "$packages" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "test.sh: installing $packages" >&2
  apt-get update -qq
  # Installed packages must not start their services (coturn's would take port 3478; the tests run
  # their own turnserver on free ports). A policy-rc.d answering 101 is Debian's way to say so.
  own_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    own_policy=1
  fi
  # shellcheck disable=SC2086 # one word per package
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >&2 || true
  [ -z "$own_policy" ] || rm -f /usr/sbin/policy-rc.d
  missing=$(check_tools)
fi
if [ "$(id -u)" != 0 ]; then
  missing+=$'\n'"|root: the end-to-end tests make network namespaces and veth pairs (ip netns) for the networks they simulate; run 'sudo ./test.sh'"
fi
missing=$(sed '/^$/d' <<<"$missing")
if [ -n "$missing" ]; then
  echo "test.sh: this machine lacks what the tests need; nothing was run:" >&2
  cut -d'|' -f2- <<<"$missing" | sed 's/^/  - /' >&2
  packages=$(cut -d'|' -f1 <<<"$missing" | tr '\n' ' ' | xargs -n1 2>/dev/null | sort -u | xargs || true)
  if [ -n "$packages" ]; then
    if command -v apt-get >/dev/null 2>&1; then
      echo "Install them with: sudo apt-get install $packages (running ./test.sh as root does it), then run ./test.sh again." >&2
    else
      echo "This machine has no apt-get: install the equivalents of the Debian packages $packages, then run ./test.sh again." >&2
    fi
  fi
  exit 2
fi

if [ ! -x node_modules/.bin/firebase ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
[ -z "$install_only" ] || exit 0

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# One build, then one test project at a time: the end-to-end tests drive Chromium and time real calls,
# and on a 2-core machine the other projects running beside them (dotnet test runs projects in
# parallel) starved them into timeouts.
dotnet build RemoteCam.sln --nologo 2>&1 | tee "$log" || status=$?
if [ "$status" = 0 ]; then
  # Every test project under tests/, the end-to-end ones last.
  projects=$(ls tests/*/*.Tests.csproj | grep -v '/RemoteCam.E2E.Tests/'; ls tests/*/RemoteCam.E2E.Tests.csproj)
  for project in $projects; do
    dotnet test "$project" --no-build --nologo 2>&1 | tee -a "$log" || status=$?
  done
fi

# dotnet test prints one "Passed!/Failed!" line per test project; add them up.
awk '
  /(Passed|Failed)! +- +Failed: / {
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:") failed += $(i + 1) + 0
      if ($i == "Passed:") passed += $(i + 1) + 0
      if ($i == "Skipped:") skipped += $(i + 1) + 0
    }
    runs++
  }
  END {
    if (runs == 0) { print "no test results found"; exit 0 }
    printf "tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped
  }' "$log"
exit "$status"
