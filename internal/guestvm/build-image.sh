#!/usr/bin/env bash
# build-image.sh builds the Debian guest images of the guestvm harness, in
# two stages. It is run by guestvm.BuildImage, which passes everything in
# the environment and hashes this file into the cache keys; it can also be
# run by hand, as root:
#
#   STAGE=base OUT=/tmp/base SUITE=trixie MIRROR=http://deb.debian.org/debian \
#   INCLUDE=linux-image-amd64,systemd-sysv,udev,cloud-init,iproute2,dbus \
#   DEB_CACHE=/tmp/debs bash internal/guestvm/build-image.sh
#   STAGE=image OUT=/tmp/img BASE=/tmp/base/rootfs.tar EXTRA=netplan.io \
#   CLOUD_CFG="datasource_list: [NoCloud, None]" DEB_CACHE=/tmp/debs \
#   bash internal/guestvm/build-image.sh
#
# STAGE=base runs debootstrap (variant minbase) with the packages every
# image of a suite has and writes OUT/rootfs.tar; the images of a suite
# share it. STAGE=image unpacks a base, installs the image's own packages
# with apt, configures it and writes OUT/disk.raw, vmlinuz, initrd.img and
# packages.txt ("name version" lines).
#
# Inputs:
#   STAGE      base or image
#   OUT        output directory (created; must not exist)
#   DEB_CACHE  directory for downloaded .deb files, shared between builds
#              of one suite
#   STEP_TIMEOUT  seconds allowed to each slow step (default 900)
# base:
#   SUITE      Debian suite (bookworm, trixie)
#   MIRROR     Debian mirror URL
#   INCLUDE    comma-separated packages for debootstrap --include
# image:
#   BASE       the base's rootfs.tar
#   EXTRA      space-separated packages to install (may be empty)
#   CLOUD_CFG  contents of /etc/cloud/cloud.cfg.d/90-guestvm.cfg
#   ENABLE     space-separated systemd units to enable (may be empty)
#   MASK       space-separated systemd units to mask (may be empty)
#   DISK_SIZE  size of the ext4 disk image (default 2G)
set -euo pipefail

: "${STAGE:?}" "${OUT:?}" "${DEB_CACHE:?}"
STEP_TIMEOUT="${STEP_TIMEOUT:-900}"
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 LANG=C.UTF-8

step() { echo "guestvm-build: $(date +%T) $*" >&2; }

mkdir -p "$DEB_CACHE"
mkdir "$OUT"
root="$OUT/rootfs"
mounted=()
umount_all() {
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done
  mounted=()
}
cleanup() {
  umount_all
  rm -rf "$root"
}
trap cleanup EXIT

mount_all() {
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
}
in_root() { timeout "$STEP_TIMEOUT" chroot "$root" "$@"; }
# apt in the chroot resolves names with the build host's resolver; the
# image's own /etc/resolv.conf (a symlink with systemd-resolved) is put back
# by host_resolver_off.
host_resolver_on() {
  if [ -e "$root/etc/resolv.conf" ] || [ -L "$root/etc/resolv.conf" ]; then
    mv "$root/etc/resolv.conf" "$root/etc/resolv.conf.guestvm"
  fi
  cp /etc/resolv.conf "$root/etc/resolv.conf"
}
host_resolver_off() {
  rm -f "$root/etc/resolv.conf"
  if [ -L "$root/etc/resolv.conf.guestvm" ]; then
    mv "$root/etc/resolv.conf.guestvm" "$root/etc/resolv.conf"
  else # a plain file (debootstrap's copy of the build host's): the guest starts empty
    rm -f "$root/etc/resolv.conf.guestvm"
    : >"$root/etc/resolv.conf"
  fi
}

case $STAGE in
base)
  : "${SUITE:?}" "${MIRROR:?}" "${INCLUDE:?}"
  step "debootstrap $SUITE: $INCLUDE"
  timeout "$STEP_TIMEOUT" debootstrap --variant=minbase --include="$INCLUDE" \
    --cache-dir="$DEB_CACHE" "$SUITE" "$root" "$MIRROR" >"$OUT/debootstrap.log" 2>&1 ||
    { tail -n 30 "$OUT/debootstrap.log" >&2; exit 1; }
  # The second pass, in the chroot: anything debootstrap left unresolved or
  # unconfigured (it does not resolve every dependency of --include
  # packages, which is why the caller lists dbus and, on bookworm,
  # python3-cffi-backend itself).
  mount_all
  host_resolver_on
  step "second pass"
  { in_root dpkg --configure -a && in_root apt-get install -y -q -f --no-install-recommends; } \
    >"$OUT/second-pass.log" 2>&1 || { tail -n 30 "$OUT/second-pass.log" >&2; exit 1; }
  in_root apt-get clean
  host_resolver_off
  rm -f "$root/usr/sbin/policy-rc.d"
  umount_all
  step "rootfs.tar"
  tar -C "$root" --numeric-owner --xattrs -cf "$OUT/rootfs.tar" .
  ;;
image)
  : "${BASE:?}" "${CLOUD_CFG:?}"
  EXTRA="${EXTRA:-}" ENABLE="${ENABLE:-}" MASK="${MASK:-}" DISK_SIZE="${DISK_SIZE:-2G}"
  step "unpack base"
  mkdir "$root"
  tar -C "$root" --numeric-owner --xattrs -xf "$BASE"
  mount_all
  if [ -n "$EXTRA" ]; then
    step "apt-get install $EXTRA"
    host_resolver_on
    archives="$root/var/cache/apt/archives"
    find "$DEB_CACHE" -maxdepth 1 -name '*.deb' -exec cp -t "$archives" {} +
    # The base's package lists are those of the day it was built: when the
    # mirror has moved on, refresh them and try again.
    # shellcheck disable=SC2086 # EXTRA is a list
    { in_root apt-get install -y -q --no-install-recommends $EXTRA ||
      { in_root apt-get update -q && in_root apt-get install -y -q --no-install-recommends $EXTRA; }; } \
      >"$OUT/apt.log" 2>&1 || { tail -n 30 "$OUT/apt.log" >&2; exit 1; }
    # Keep what was downloaded for the next build, each file renamed into
    # place so that a parallel build never reads half of one.
    for f in "$archives"/*.deb; do
      [ -e "$f" ] || continue
      b=$(basename "$f")
      [ -e "$DEB_CACHE/$b" ] || { cp "$f" "$DEB_CACHE/.$b.$$" && mv "$DEB_CACHE/.$b.$$" "$DEB_CACHE/$b"; }
    done
    in_root apt-get clean
    host_resolver_off
  fi
  step "configure"
  printf '%s\n' "$CLOUD_CFG" >"$root/etc/cloud/cloud.cfg.d/90-guestvm.cfg"
  echo "/dev/vda / ext4 defaults 0 1" >"$root/etc/fstab"
  echo guestvm >"$root/etc/hostname"
  for u in $MASK; do ln -sf /dev/null "$root/etc/systemd/system/$u"; done
  for u in $ENABLE; do in_root systemctl enable "$u" >/dev/null 2>&1; done
  rm -f "$root/usr/sbin/policy-rc.d"
  in_root dpkg-query -W -f '${Package} ${Version}\n' >"$OUT/packages.txt"
  umount_all

  step "kernel and initrd"
  cp "$(ls "$root"/boot/vmlinuz-* | sort -V | tail -n 1)" "$OUT/vmlinuz"
  cp "$(ls "$root"/boot/initrd.img-* | sort -V | tail -n 1)" "$OUT/initrd.img"

  step "mkfs.ext4 -d ($DISK_SIZE)"
  truncate -s "$DISK_SIZE" "$OUT/disk.raw"
  timeout "$STEP_TIMEOUT" mkfs.ext4 -q -F -L guestvm -d "$root" "$OUT/disk.raw"
  ;;
*)
  echo "build-image.sh: STAGE must be base or image, not $STAGE" >&2
  exit 2
  ;;
esac
step "done"
