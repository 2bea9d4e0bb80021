#!/usr/bin/env bash
# build-image.sh builds one Debian 12 guest image for the guestvm harness.
# It is run by guestvm.BuildImage, which passes everything in the
# environment and hashes this file into the image's cache key; it can also
# be run by hand, as root:
#
#   OUT=/tmp/img SUITE=bookworm MIRROR=http://deb.debian.org/debian \
#   INCLUDE=linux-image-amd64,systemd-sysv,udev,cloud-init,iproute2,dbus,python3-cffi-backend,netplan.io \
#   CLOUD_CFG="datasource_list: [NoCloud, None]" DEB_CACHE=/tmp/debs \
#   bash internal/guestvm/build-image.sh
#
# Inputs:
#   OUT        output directory (created; must not exist): disk.raw, vmlinuz,
#              initrd.img, packages.txt ("name version" lines), build logs
#   SUITE      Debian suite (bookworm)
#   MIRROR     Debian mirror URL
#   INCLUDE    comma-separated packages for debootstrap --include
#   CLOUD_CFG  contents of /etc/cloud/cloud.cfg.d/90-guestvm.cfg
#   ENABLE     space-separated systemd units to enable (may be empty)
#   MASK       space-separated systemd units to mask (may be empty)
#   DEB_CACHE  directory for downloaded .deb files, shared between images
#   DISK_SIZE  size of the ext4 disk image (default 2G)
#   STEP_TIMEOUT  seconds allowed to each slow step (default 900)
set -euo pipefail

: "${OUT:?}" "${SUITE:?}" "${MIRROR:?}" "${INCLUDE:?}" "${DEB_CACHE:?}" "${CLOUD_CFG:?}"
ENABLE="${ENABLE:-}" MASK="${MASK:-}"
DISK_SIZE="${DISK_SIZE:-2G}" STEP_TIMEOUT="${STEP_TIMEOUT:-900}"
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 LANG=C.UTF-8

step() { echo "guestvm-build: $(date +%T) $*" >&2; }

mkdir -p "$DEB_CACHE"
mkdir "$OUT"
root="$OUT/rootfs"
mounted=()
cleanup() {
  local m
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    m="${mounted[i]}"
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf "$root"
}
trap cleanup EXIT

step "debootstrap $SUITE: $INCLUDE"
timeout "$STEP_TIMEOUT" debootstrap --variant=minbase --include="$INCLUDE" \
  --cache-dir="$DEB_CACHE" "$SUITE" "$root" "$MIRROR" >"$OUT/debootstrap.log" 2>&1 ||
  { tail -n 30 "$OUT/debootstrap.log" >&2; exit 1; }

# The second pass, in the chroot: anything debootstrap left unresolved or
# unconfigured (it does not resolve every dependency of --include packages,
# which is why the caller lists dbus and python3-cffi-backend itself).
for fs in proc sys dev dev/pts; do
  case $fs in
  proc) mount -t proc proc "$root/proc" ;;
  sys) mount -t sysfs sys "$root/sys" ;;
  dev) mount --bind /dev "$root/dev" ;;
  dev/pts) mount -t devpts devpts "$root/dev/pts" ;;
  esac
  mounted+=("$root/$fs")
done
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
in_root() { timeout "$STEP_TIMEOUT" chroot "$root" "$@"; }
# apt in the chroot resolves names with the build host's resolver; the
# image's own /etc/resolv.conf (a symlink with systemd-resolved) is put back.
if [ -e "$root/etc/resolv.conf" ] || [ -L "$root/etc/resolv.conf" ]; then
  mv "$root/etc/resolv.conf" "$root/etc/resolv.conf.guestvm"
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
step "second pass"
{ in_root dpkg --configure -a && in_root apt-get install -y -q -f --no-install-recommends; } \
  >"$OUT/second-pass.log" 2>&1 || { tail -n 30 "$OUT/second-pass.log" >&2; exit 1; }
in_root apt-get clean
rm -f "$root/etc/resolv.conf"
if [ -L "$root/etc/resolv.conf.guestvm" ]; then
  mv "$root/etc/resolv.conf.guestvm" "$root/etc/resolv.conf"
else # debootstrap's copy of the build host's file: the guest starts empty
  rm -f "$root/etc/resolv.conf.guestvm"
  : >"$root/etc/resolv.conf"
fi

step "configure"
printf '%s\n' "$CLOUD_CFG" >"$root/etc/cloud/cloud.cfg.d/90-guestvm.cfg"
echo "/dev/vda / ext4 defaults 0 1" >"$root/etc/fstab"
echo guestvm >"$root/etc/hostname"
for u in $MASK; do ln -sf /dev/null "$root/etc/systemd/system/$u"; done
for u in $ENABLE; do in_root systemctl enable "$u" >/dev/null 2>&1; done
rm -f "$root/usr/sbin/policy-rc.d"
in_root dpkg-query -W -f '${Package} ${Version}\n' >"$OUT/packages.txt"

for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}"; done
mounted=()

step "kernel and initrd"
cp "$(ls "$root"/boot/vmlinuz-* | sort -V | tail -n 1)" "$OUT/vmlinuz"
cp "$(ls "$root"/boot/initrd.img-* | sort -V | tail -n 1)" "$OUT/initrd.img"

step "mkfs.ext4 -d ($DISK_SIZE)"
truncate -s "$DISK_SIZE" "$OUT/disk.raw"
timeout "$STEP_TIMEOUT" mkfs.ext4 -q -F -L guestvm -d "$root" "$OUT/disk.raw"
step "done"
