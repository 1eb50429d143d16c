#!/usr/bin/env bash
# Installs (or upgrades, or removes) FaasD on Debian, Ubuntu or Raspberry Pi OS, amd64 or arm64.
#
#   sudo ./install.sh                    build from this checkout (needs the .NET 10 SDK) and install
#   sudo ./install.sh --binary ./faasd   install a prebuilt native binary (dotnet publish src/FaasD -c Release)
#   sudo FAASD_RELEASE_URL=https://.../faasd-linux-{arch}.tar.gz ./install.sh
#   sudo ./install.sh --uninstall [--purge]
#   sudo ./install.sh --with-services    also install docker-compose.yaml (nats with JetStream, prometheus) and prometheus.yml as the daemon's services
#
# Where PID 1 is systemd, `faasd install` sets up faasd.service (Type=notify) through systemd's D-Bus API.
# Elsewhere (containers, CI machines) containerd and `faasd up` are started in the background.
# Running it again upgrades in place; /var/lib/faasd (functions' secrets, the admin password) is kept.
set -euo pipefail

readonly bin_path=/usr/local/bin/faasd
readonly state_dir=/var/lib/faasd
readonly unit_path=/etc/systemd/system/faasd.service
readonly conflist_path=/etc/cni/net.d/10-openfaas.conflist
readonly sysctl_file=/etc/sysctl.d/99-faasd.conf
readonly log_file=/var/log/faasd.log
readonly pid_file=/run/faasd.pid
readonly packages=(containerd runc containernetworking-plugins iptables curl)
readonly port=${FAASD_PORT:-8080}

say() { printf 'install.sh: %s\n' "$*"; }
die() { printf 'install.sh: error: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,12s/^# \{0,1\}//p' "$0"
  exit "${1:-0}"
}

binary=""
mode=install
purge=0
with_services=0
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) [ $# -ge 2 ] || die "--binary needs a path"; binary=$2; shift 2 ;;
    --binary=*) binary=${1#--binary=}; shift ;;
    --uninstall) mode=uninstall; shift ;;
    --purge) purge=1; shift ;;
    --with-services) with_services=1; shift ;;
    -h|--help) usage 0 ;;
    *) printf 'install.sh: unknown option %s\n' "$1" >&2; usage 2 ;;
  esac
done

[ "$(id -u)" = 0 ] || die "run as root (sudo $0)"

systemd_is_pid1() { [ -d /run/systemd/system ] && [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ]; }

detect_distro() {
  [ -r /etc/os-release ] || die "cannot read /etc/os-release; supported: Debian, Ubuntu, Raspberry Pi OS"
  local id id_like
  # shellcheck source=/dev/null
  id=$(. /etc/os-release && echo "${ID:-}")
  # shellcheck source=/dev/null
  id_like=$(. /etc/os-release && echo "${ID_LIKE:-}")
  case " $id $id_like " in
    *" debian "*|*" ubuntu "*|*" raspbian "*) say "distribution: $id" ;;
    *) die "unsupported distribution '$id': supported are Debian, Ubuntu and Raspberry Pi OS" ;;
  esac
}

detect_arch() {
  local machine
  machine=$(uname -m)
  case "$machine" in
    x86_64|amd64) arch=amd64; dotnet_arch=x64 ;;
    aarch64|arm64) arch=arm64; dotnet_arch=arm64 ;;
    *) die "unsupported architecture '$machine': FaasD is built for amd64 and arm64 only" ;;
  esac
  say "architecture: $arch"
}

install_packages() {
  local missing=() p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || { say "packages already installed: ${packages[*]}"; return; }
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Offline machines with the .debs already cached still install; a failed update is only a warning.
  apt-get update -qq || say "warning: apt-get update failed; installing from what apt already knows"
  apt-get install -y -qq "${missing[@]}" >/dev/null
}

enable_forwarding() {
  # Functions reach the outside through the bridge and MASQUERADE: the host must route.
  echo 'net.ipv4.conf.all.forwarding = 1' > "$sysctl_file"
  # /proc directly: minimal systems (and containers) often lack procps' sysctl.
  echo 1 > /proc/sys/net/ipv4/conf/all/forwarding 2>/dev/null \
    || say "warning: could not enable IPv4 forwarding now; $sysctl_file applies it at boot"
}

build_tools_present() {
  command -v gcc >/dev/null 2>&1 || command -v clang >/dev/null 2>&1 || return 1
  local p
  for p in libc6-dev zlib1g-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || return 1
  done
}

install_build_tools() {
  say "installing the native build tools (gcc libc6-dev zlib1g-dev)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || say "warning: apt-get update failed; installing from what apt already knows"
  apt-get install -y -qq gcc libc6-dev zlib1g-dev >/dev/null || die "could not install gcc, libc6-dev and zlib1g-dev, which the NativeAOT build links with"
}

# Sets $binary to a faasd executable: --binary, else a build of this checkout, else the release tarball.
obtain_binary() {
  if [ -n "$binary" ]; then
    [ -f "$binary" ] || die "--binary $binary: no such file"
    binary=$(readlink -f "$binary")
    return
  fi
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  local checkout
  checkout=$(cd "$(dirname "$0")" && pwd)
  if command -v dotnet >/dev/null 2>&1 && [ -f "$checkout/src/FaasD/FaasD.csproj" ]; then
    # faasd is published with NativeAOT: the native linker step needs a C toolchain and zlib's headers.
    build_tools_present || install_build_tools
    say "building faasd from $checkout (dotnet publish, NativeAOT, linux-$dotnet_arch)"
    dotnet publish "$checkout/src/FaasD/FaasD.csproj" -c Release -r "linux-$dotnet_arch" -o "$work/out" -nologo -v quiet >"$work/build.log" 2>&1 \
      || { tail -30 "$work/build.log" >&2; die "build failed"; }
    binary=$work/out/faasd
  elif [ -n "${FAASD_RELEASE_URL:-}" ]; then
    local url=${FAASD_RELEASE_URL//\{arch\}/$arch}
    say "downloading $url"
    curl -fsSL "$url" | tar -xz -C "$work" || die "could not download or unpack $url"
    binary=$(find "$work" -type f -name faasd | head -1)
    [ -n "$binary" ] || die "$url holds no file named faasd"
  else
    die "no faasd binary: pass --binary PATH, install the .NET 10 SDK to build this checkout, or set FAASD_RELEASE_URL"
  fi
  chmod 0755 "$binary"
}

# The checkout's docker-compose.yaml becomes the daemon's compose file (started with it, before functions).
# A plain install skips this and stays offline-friendly: the services' images come from a registry.
install_services() {
  local source target="$state_dir/docker-compose.yaml"
  source="$(cd "$(dirname "$0")" && pwd)/docker-compose.yaml"
  [ -f "$source" ] || die "--with-services: no docker-compose.yaml beside $0"
  mkdir -p "$state_dir"
  if [ -f "$target" ] && ! cmp -s "$source" "$target"; then
    install -m 0644 "$source" "$target.new"
    say "kept your $target; the new one is $target.new (compare and move it into place)"
    install_prometheus_config
    return
  fi
  install -m 0644 "$source" "$target"
  say "installed $target (nats with JetStream on 127.0.0.1:4222, store in $state_dir/nats; prometheus on 127.0.0.1:9090)"
  say "to run the async queue on it: set FAASD_QUEUE=nats://127.0.0.1:4222 for the daemon"
  install_prometheus_config
}

# The prometheus service mounts ./prometheus.yml from the state directory; a file already there is the user's.
install_prometheus_config() {
  local source target="$state_dir/prometheus.yml"
  source="$(cd "$(dirname "$0")" && pwd)/prometheus.yml"
  [ -f "$source" ] || die "--with-services: no prometheus.yml beside $0"
  if [ -f "$target" ]; then
    cmp -s "$source" "$target" || say "kept your $target"
    return
  fi
  install -m 0644 "$source" "$target"
  say "installed $target (the prometheus service's scrape config)"
}

print_login() {
  say "log in with:"
  echo "  cat $state_dir/secrets/basic-auth-password | faas-cli login --username admin --password-stdin"
}

wait_healthy() {
  for _ in $(seq 1 "${1:-120}"); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && return 0
    sleep 0.5
  done
  return 1
}

# --- without systemd: containerd and faasd as background processes ---

containerd_running() { ctr --timeout 2s version >/dev/null 2>&1; }

start_containerd_background() {
  containerd_running && return
  say "starting containerd in the background (log: /var/log/containerd.log)"
  rm -f /run/containerd/containerd.sock
  setsid containerd >>/var/log/containerd.log 2>&1 </dev/null &
  for _ in $(seq 1 100); do containerd_running && return; sleep 0.1; done
  die "containerd did not start; see /var/log/containerd.log"
}

stop_background_faasd() {
  [ -f "$pid_file" ] || return 0
  local pid
  pid=$(cat "$pid_file")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = faasd ]; then
    say "stopping faasd (pid $pid)"
    kill -TERM "$pid"
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; sleep 0.2; fi
  fi
  rm -f "$pid_file"
}

install_background() {
  # rename(2) over the old file: safe while an old faasd still runs from it.
  install -m 0755 "$binary" "$bin_path.new"
  mv -f "$bin_path.new" "$bin_path"
  mkdir -p "$state_dir"
  start_containerd_background
  stop_background_faasd
  if curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; then
    die "something else already answers on :$port (a faasd not started by install.sh?); stop it first"
  fi
  say "starting faasd up in the background (log: $log_file)"
  # exec: the pid recorded is faasd's own (setsid execs too; it is not a group leader here), so stop finds it.
  (cd "$state_dir" && exec setsid "$bin_path" up >>"$log_file" 2>&1 </dev/null) &
  echo $! >"$pid_file"
  if ! wait_healthy 120; then
    tail -30 "$log_file" >&2 || true
    die "faasd did not answer http://127.0.0.1:$port/healthz within 60 s; see $log_file"
  fi
  say "faasd is running (pid $(cat "$pid_file")) and answers on :$port"
  say "stop it with: kill \$(cat $pid_file)"
  print_login
}

# --- uninstall ---

uninstall() {
  if systemd_is_pid1; then
    systemctl disable --now faasd.service 2>/dev/null || true
    rm -f "$unit_path"
    systemctl daemon-reload
    systemctl reset-failed faasd.service 2>/dev/null || true
  fi
  stop_background_faasd
  rm -f "$bin_path" "$conflist_path" "$sysctl_file"
  if [ "$purge" = 1 ]; then
    # Function containers outlive the daemon by design; a purge removes them too.
    if containerd_running; then
      local ns c
      for ns in $(ctr namespaces ls -q 2>/dev/null | grep '^openfaas' || true); do
        for c in $(ctr -n "$ns" containers ls -q 2>/dev/null); do
          ctr -n "$ns" tasks kill -s SIGKILL "$c" >/dev/null 2>&1 || true
          for _ in 1 2 3 4 5 6 7 8 9 10; do ctr -n "$ns" tasks delete "$c" >/dev/null 2>&1 && break; sleep 0.2; done
          ctr -n "$ns" containers delete "$c" >/dev/null 2>&1 || true
        done
      done
    fi
    rm -rf "$state_dir"
    say "removed faasd, its units, functions and $state_dir"
  else
    say "removed faasd and its units; kept $state_dir (use --purge to delete it)"
  fi
}

if [ "$mode" = uninstall ]; then
  uninstall
  exit 0
fi

detect_distro
detect_arch
install_packages
enable_forwarding
obtain_binary
[ "$with_services" = 0 ] || install_services

if systemd_is_pid1; then
  say "systemd is PID 1: running faasd install"
  "$binary" install
else
  say "systemd is not PID 1 here: running containerd and faasd in the background"
  install_background
fi
