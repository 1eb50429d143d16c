#!/usr/bin/env bash
# install.sh where PID 1 is not systemd (like CI machines and containers): a fresh bookworm rootfs run with
# systemd-nspawn WITHOUT booting, so PID 1 is a shell. Checks the background mode: containerd and `faasd up`
# started, /healthz answers, a re-run replaces the running faasd, --uninstall stops it and keeps the state.
# Ends with "RESULT: N passed, N failed, N skipped". Exit: 0 passed, 1 failed, 77 not root (nspawn missing fails).
# Environment: FAASD_BINARY (required: the faasd to install), FAASD_TEST_CACHE (default /var/cache/faasd-test).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${FAASD_TEST_CACHE:-/var/cache/faasd-test}
machine=faasdnosd$$
work=$cache/run-$$
root=$work/rootfs

[ "$(id -u)" = 0 ] || { echo "SKIP systemd stage: needs root"; exit 77; }
command -v systemd-nspawn >/dev/null || { echo "FAIL systemd stage: systemd-nspawn is not installed (apt-get install systemd-container debootstrap)"; echo "RESULT: 0 passed, 1 failed, 0 skipped"; exit 1; }
if [ -z "${FAASD_BINARY:-}" ] || [ ! -f "$FAASD_BINARY" ]; then echo "FAASD_BINARY must name the faasd binary to install"; exit 2; fi

if [ -d /sys/fs/cgroup/unified ]; then
  cgroup_dirs=("/sys/fs/cgroup/unified/nspawn-$machine" "/sys/fs/cgroup/systemd/nspawn-$machine")
else
  cgroup_dirs=("/sys/fs/cgroup/nspawn-$machine")
fi
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  local d
  for d in "${cgroup_dirs[@]}"; do [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

start=$(date +%s.%N)
tarball=$("$here/rootfs.sh") || exit 1
mkdir -p "$root/root/payload"
tar --numeric-owner -xzf "$tarball" -C "$root"
cp "$repo/install.sh" "$FAASD_BINARY" "$root/root/payload/"
[ "$(basename "$FAASD_BINARY")" = faasd ] || mv "$root/root/payload/$(basename "$FAASD_BINARY")" "$root/root/payload/faasd"

# The checks run inside, as PID 1's child; everything started in the background dies with the container.
cat >"$root/root/payload/checks.sh" <<'EOS'
#!/bin/bash
export DEBIAN_FRONTEND=noninteractive
cd /root/payload
passed=0; failed=0
check() { local what=$1; shift; if "$@"; then passed=$((passed + 1)); echo "PASS $what"; else failed=$((failed + 1)); echo "FAIL $what"; fi; }
healthy() { curl -fsS -o /dev/null -m 5 http://127.0.0.1:8080/healthz; }

./install.sh --binary ./faasd >install.log 2>&1; rc=$?
tail -4 install.log | sed 's/^/    | /'
check "install.sh exits 0 without systemd" [ "$rc" = 0 ]
check "it said it runs in the background" grep -q 'systemd is not PID 1 here' install.log
check "containerd answers" bash -c "ctr --timeout 2s version >/dev/null"
check "/healthz answers" healthy
check "pid file names a running faasd" bash -c '[ "$(cat /proc/$(cat /run/faasd.pid)/comm)" = faasd ]'
check "IPv4 forwarding on" [ "$(cat /proc/sys/net/ipv4/conf/all/forwarding)" = 1 ]
first=$(cat /run/faasd.pid)
password=$(cat /var/lib/faasd/secrets/basic-auth-password 2>/dev/null)

./install.sh --binary ./faasd >reinstall.log 2>&1; rc=$?
check "install.sh again exits 0" [ "$rc" = 0 ]
check "install.sh again replaced the running faasd" bash -c "! kill -0 $first 2>/dev/null && [ \"\$(cat /run/faasd.pid)\" != $first ]"
check "install.sh again: /healthz answers" healthy
check "install.sh again: password kept" [ "$(cat /var/lib/faasd/secrets/basic-auth-password 2>/dev/null)" = "$password" ]

second=$(cat /run/faasd.pid)
./install.sh --uninstall >uninstall.log 2>&1; rc=$?
check "install.sh --uninstall exits 0" [ "$rc" = 0 ]
check "uninstall stopped faasd" bash -c "! kill -0 $second 2>/dev/null && ! curl -fsS -o /dev/null -m 2 http://127.0.0.1:8080/healthz 2>/dev/null"
check "uninstall removed the binary, kept /var/lib/faasd" bash -c '[ ! -e /usr/local/bin/faasd ] && [ -d /var/lib/faasd ]'
[ "$failed" = 0 ] || { echo "--- install.log"; sed 's/^/    | /' install.log | tail -20; echo "--- /var/log/faasd.log"; tail -20 /var/log/faasd.log | sed 's/^/    | /'; }
echo "RESULT: $passed passed, $failed failed, 0 skipped"
[ "$failed" = 0 ]
EOS
chmod +x "$root/root/payload/checks.sh"

for d in "${cgroup_dirs[@]}"; do mkdir -p "$d"; done
procs_cmd=""
for d in "${cgroup_dirs[@]}"; do procs_cmd+="echo \$\$ > $d/cgroup.procs; "; done
# Same flags as the booted stage (see run.sh), minus -b: PID 1 is a shell, not systemd.
# The whole run is bounded (it takes ~30 s): a hang fails here instead of stalling the test stage.
SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 timeout -k 10 300 setsid sh -c "$procs_cmd
  exec systemd-nspawn -q -D '$root' -M '$machine' --register=no --keep-unit --private-network \
    --capability=all --system-call-filter='@keyring bpf' /root/payload/checks.sh" </dev/null 2>&1 \
  | grep -v 'Attempted to remove disk file system'
rc=${PIPESTATUS[0]}
[ "$rc" = 124 ] && echo "FAIL install.sh without systemd: did not finish within 300 s" && echo "RESULT: 0 passed, 1 failed, 0 skipped"
printf '### %-34s %6.1fs\n' "install.sh without systemd" "$(echo "$(date +%s.%N) - $start" | bc)"
exit "$rc"
