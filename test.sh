#!/usr/bin/env bash
# Runs every test: installs the npm tooling the tests drive (the firebase CLI as a foreign
# client) when missing, then the whole .NET test suite, and prints one summary line.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -x node_modules/.bin/firebase ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test RemoteCam.sln --nologo 2>&1 | tee "$log" || status=$?

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
