#!/usr/bin/env bash
# Publishes the native (NativeAOT) faasd: one self-contained file, OUT/faasd.
#   scripts/publish-native.sh [x64|arm64] [OUT]      (default: this machine's architecture, ./out)
# Built on its own architecture it needs gcc, libc6-dev and zlib1g-dev (what install.sh installs).
# arm64 on an amd64 machine is a cross build for a Raspberry Pi (64-bit OS) or any arm64 Debian/Ubuntu: clang
# links it for aarch64 with Debian's cross toolchain (apt: clang gcc-aarch64-linux-gnu libc6-dev-arm64-cross, for
# the C runtime start files and libgcc). The result runs here under qemu-user too (qemu-user-static, and the
# arm64 libc and libssl3 from `dpkg --add-architecture arm64`).
set -euo pipefail
cd "$(dirname "$0")/.."

case "$(uname -m)" in
  x86_64) host=x64 ;;
  aarch64 | arm64) host=arm64 ;;
  *) echo "publish-native.sh: unsupported build machine $(uname -m)" >&2; exit 2 ;;
esac
target=${1:-$host}
out=${2:-out}
case "$target" in
  x64 | arm64) ;;
  *) echo "publish-native.sh: the target is x64 or arm64, not '$target'" >&2; exit 2 ;;
esac

cross=()
if [ "$target" != "$host" ]; then
  [ "$target" = arm64 ] || { echo "publish-native.sh: cross builds go from x64 to arm64 only" >&2; exit 2; }
  # Any clang can target aarch64; Debian names it clang or clang-<version>.
  clang=$(command -v clang || ls /usr/bin/clang-[0-9]* 2>/dev/null | sort -V | tail -1 || true)
  missing=()
  [ -n "$clang" ] || missing+=(clang)
  command -v aarch64-linux-gnu-objcopy >/dev/null || missing+=(gcc-aarch64-linux-gnu)
  [ -d /usr/aarch64-linux-gnu/lib ] || missing+=(libc6-dev-arm64-cross)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "publish-native.sh: the arm64 cross build needs: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  # The NativeAOT targets pass --target=aarch64-linux-gnu to the compiler driver for a cross build: clang takes
  # it and finds the cross GCC installation (crt files, libgcc) by itself; gcc does not accept the flag.
  cross=(-p:CppCompilerAndLinker="$clang" -p:ObjCopyName=aarch64-linux-gnu-objcopy)
fi

dotnet publish src/FaasD/FaasD.csproj -c Release -r "linux-$target" -o "$out" -nologo -clp:ErrorsOnly "${cross[@]}"
echo "$out/faasd ($target, $(( $(stat -c %s "$out/faasd") / 1024 / 1024 )) MiB)"
