#!/usr/bin/env bash
# Starts the real daemons the integration tests talk to, unless they already run: a private containerd
# (socket /run/faasd-test/containerd.sock, root /var/lib/faasd-test/containerd) and a docker-registry bound to
# 127.0.0.1 only. test.sh exports FAASD_TEST_CONTAINERD_SOCKET so every test uses that containerd.
# Safe to run again; tolerates state left by an earlier run (stale sockets, pid files).
set -euo pipefail

state=/var/lib/faasd-test
mkdir -p "$state"

# The tests' own containerd (the developers' guide requires it): own socket, root and state, CRI off, so a test
# run never touches the machine's containerd or a production FaasD, and the chaos suite may kill it. A daemon
# left by an earlier run is reused when it answers; a dead one's stale socket and pid file are cleared first.
sock=${FAASD_TEST_CONTAINERD_SOCKET:-/run/faasd-test/containerd.sock}
root=/var/lib/faasd-test/containerd
run_state=/run/faasd-test/containerd-state
mkdir -p "$(dirname "$sock")" "$root" "$run_state"
cat > "$state/containerd.toml" <<TOML
version = 2
root = "$root"
state = "$run_state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$sock"

[ttrpc]
  address = "$sock.ttrpc"

[debug]
  address = "$sock.debug"
TOML

containerd_ok() { ctr --address "$sock" --timeout 2s version >/dev/null 2>&1; }
if ! containerd_ok; then
  if [ -f "$state/containerd.pid" ] && kill -0 "$(cat "$state/containerd.pid")" 2>/dev/null; then
    kill -9 "$(cat "$state/containerd.pid")" 2>/dev/null || true   # ours, but not answering
  fi
  rm -f "$sock" "$sock.ttrpc" "$sock.debug" "$state/containerd.pid"
  setsid containerd --config "$state/containerd.toml" >"$state/containerd.log" 2>&1 < /dev/null &
  echo $! > "$state/containerd.pid"
  for _ in $(seq 1 100); do containerd_ok && break; sleep 0.1; done
  containerd_ok || { echo "the tests' containerd did not start; see $state/containerd.log" >&2; exit 1; }
fi

registry_addr=${FAASD_TEST_REGISTRY:-127.0.0.1:5000}
registry_ok() { curl -fsS -o /dev/null "http://$registry_addr/v2/"; }
if ! registry_ok; then
  cat > "$state/registry.yml" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $state/registry
  delete:
    enabled: true
http:
  addr: $registry_addr
YML
  setsid docker-registry serve "$state/registry.yml" >"$state/registry.log" 2>&1 < /dev/null &
  for _ in $(seq 1 100); do registry_ok && break; sleep 0.1; done
  registry_ok || { echo "docker-registry did not start on $registry_addr; see $state/registry.log" >&2; exit 1; }
fi
echo "containerd ($sock) and registry ($registry_addr) are up"
