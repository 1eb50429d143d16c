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

packages=(containerd runc containernetworking-plugins docker-registry busybox-static iptables iproute2 curl umoci systemd-container debootstrap dbus nats-server prometheus chromium chromium-driver gcc libc6-dev zlib1g-dev clang gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static)
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

# The arm64 binary is cross-built and run under qemu-user: it needs arm64's libc and libssl (Debian multiarch).
if ! dpkg-query -W -f='${Status}' libssl3:arm64 2>/dev/null | grep -q 'install ok installed'; then
  echo "installing libc6:arm64 libssl3:arm64 (multiarch) for the arm64 binary under qemu-user"
  dpkg --add-architecture arm64
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libc6:arm64 libssl3:arm64 >/dev/null
fi

# Every test talks to the private containerd test-services.sh starts, never to the machine's own.
export FAASD_TEST_CONTAINERD_SOCKET=${FAASD_TEST_CONTAINERD_SOCKET:-/run/faasd-test/containerd.sock}
scripts/test-services.sh

results=TestResults
rm -rf "$results"
mkdir -p "$results"

dotnet build FaasD.sln -c Debug -nologo -clp:ErrorsOnly

# The daemon-level tests, the chaos suite and the systemd stage run the product as shipped: the native (NativeAOT)
# faasd for this machine. A failed publish is reported and counted as a failure; those tests then run on faasd.dll.
native_failed=0
if scripts/publish-native.sh "" "$results/native" >"$results/publish-native.log" 2>&1; then
  tail -1 "$results/publish-native.log"
  export FAASD_TEST_BINARY=$PWD/$results/native/faasd FAASD_BINARY=$PWD/$results/native/faasd
else
  tail -20 "$results/publish-native.log"
  echo "the native publish failed (above): the daemon tests run on the build's faasd.dll instead"
  native_failed=1
fi

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

passed=0; failed=$native_failed; skipped=0
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
