#!/usr/bin/env bash
# Builds (once) the cached Debian bookworm rootfs tarball the systemd test stage boots with
# systemd-nspawn, and prints its path. Kept outside the repo so repeated runs skip debootstrap.
# The tarball already holds the apt lists and the .debs install.sh needs, because the booted
# container has no network (--private-network); install.sh then installs from that cache.
set -euo pipefail

cache_dir=${FAASD_TEST_CACHE:-/var/cache/faasd-test}
tarball=$cache_dir/rootfs-bookworm-minbase.tar.gz
mirror=${FAASD_TEST_MIRROR:-http://deb.debian.org/debian}
# What install.sh apt-installs, plus what the checks use inside (curl, busybox for a test image).
debs=(containerd runc containernetworking-plugins iptables curl busybox-static)

if [ -f "$tarball" ] && [ "${FROM_SCRATCH:-0}" != 1 ]; then
  echo "$tarball"
  exit 0
fi

mkdir -p "$cache_dir"
work=$(mktemp -d "$cache_dir/build.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/rootfs

debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,iproute2,ca-certificates \
  bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
rm -f "$root"/var/cache/apt/archives/*.deb

cat >"$root/etc/apt/sources.list" <<EOS
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
EOS
# The host's network and resolver serve the chroot for the download only.
cp /etc/resolv.conf "$root/etc/resolv.conf"
chroot "$root" apt-get -qq update
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --download-only "${debs[@]}" >/dev/null

tar --numeric-owner -C "$root" -czf "$work/rootfs.tar.gz" .
mv "$work/rootfs.tar.gz" "$tarball"
echo "$tarball"
