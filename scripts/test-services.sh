#!/usr/bin/env bash
# Starts the real daemons the integration tests talk to, unless they already run:
# containerd on its default socket and a docker-registry bound to 127.0.0.1 only.
# Safe to run again; tolerates state left by an earlier run (stale sockets, pid files).
set -euo pipefail

state=/var/lib/faasd-test
mkdir -p "$state"

containerd_ok() { ctr --timeout 2s version >/dev/null 2>&1; }
if ! containerd_ok; then
  if pidof systemd >/dev/null 2>&1 && [ "$(cat /proc/1/comm)" = systemd ]; then
    systemctl start containerd
  else
    rm -f /run/containerd/containerd.sock
    setsid containerd >"$state/containerd.log" 2>&1 < /dev/null &
  fi
  for _ in $(seq 1 100); do containerd_ok && break; sleep 0.1; done
  containerd_ok || { echo "containerd did not start; see $state/containerd.log" >&2; exit 1; }
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
echo "containerd and registry ($registry_addr) are up"
