#!/usr/bin/env bash
# Runs the whole FaasD test suite on this machine, installing what the tests need:
# apt packages, then containerd and a loopback-only docker-registry (scripts/test-services.sh),
# then every test project (unit and integration) one after another.
# Ends with one line: "N passed, N failed, N skipped". Exit code 0 only when nothing failed.
set -euo pipefail
cd "$(dirname "$0")"

if [ "$(id -u)" != 0 ]; then
  echo "test.sh installs packages and starts containerd: run it as root (sudo ./test.sh)." >&2
  echo "Unit tests alone need no root: dotnet test FaasD.sln --filter 'TestCategory!=Integration'" >&2
  exit 1
fi

packages=(containerd runc containernetworking-plugins docker-registry busybox-static iptables iproute2 curl umoci systemd-container debootstrap dbus nats-server prometheus chromium chromium-driver gcc libc6-dev zlib1g-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing test prerequisites: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Every test talks to the private containerd test-services.sh starts, never to the machine's own.
export FAASD_TEST_CONTAINERD_SOCKET=${FAASD_TEST_CONTAINERD_SOCKET:-/run/faasd-test/containerd.sock}
scripts/test-services.sh

results=TestResults
rm -rf "$results"
mkdir -p "$results"

dotnet build FaasD.sln -c Debug -nologo -clp:ErrorsOnly

projects=(tests/*.Tests/*.Tests.csproj)
[ -n "${FAASD_TEST_FILTER:-}" ] && filter=(--filter "$FAASD_TEST_FILTER") || filter=()
status=0
for project in "${projects[@]}"; do
  name=$(basename "$project" .csproj)
  echo "=== $name"
  # One project at a time: integration tests of different layers share containerd and the test bridge.
  dotnet test "$project" -c Debug --no-build -nologo "${filter[@]}" \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    --logger "console;verbosity=minimal" || status=1
done

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done
# A project that crashed before writing results counts as a failure, never as silence.
for project in "${projects[@]}"; do
  [ -f "$results/$(basename "$project" .csproj).trx" ] || { echo "no results from $project"; failed=$((failed + 1)); }
done
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
