#!/bin/sh
# guestvm-report: run by cloud-init's runcmd in a guestvm guest. It waits
# until the addresses given as arguments (the DHCP leases the harness
# expects) are present and no IPv6 address is tentative, for at most
# WAIT_SECONDS, then writes what the guest's network looks like to the
# second serial port, each section base64-encoded on one line, and powers
# off (with the guest agent's channel, after the harness has stopped
# QEMU or two minutes). The harness parses it with guestvm.ParseReport.
out=/dev/ttyS1
WAIT_SECONDS=${WAIT_SECONDS:-30}
exec >"$out" 2>&1
stty -F "$out" raw -echo 2>/dev/null

start=$(cut -d' ' -f1 /proc/uptime)
n=0
while :; do
  missing=
  for a in "$@"; do
    ip -o addr show | grep -q " $a/" || missing="$missing $a"
  done
  if [ -z "$missing" ] && [ -z "$(ip -6 addr show tentative)" ]; then
    break
  fi
  [ $n -ge $((WAIT_SECONDS * 2)) ] && break
  sleep 0.5
  n=$((n + 1))
done
# ifupdown's post-up commands and networkd's routes follow the addresses.
sleep 1

section() {
  name=$1
  shift
  echo "--- $name"
  "$@" 2>&1 | base64 -w0
  echo
}
files() {
  for f in /etc/netplan/*.yaml /etc/network/interfaces /etc/network/interfaces.d/* \
    /etc/systemd/network/* /run/systemd/network/* /etc/udev/rules.d/70-persistent-net.rules \
    /etc/NetworkManager/system-connections/* /run/NetworkManager/system-connections/*; do
    [ -f "$f" ] && { echo "#### $f"; cat "$f"; }
  done
  return 0
}
echo "=== guestvm-report begin"
section wait echo "started at ${start}s, waited $n half-seconds, missing:${missing:- none}"
section uptime cat /proc/uptime
section addr ip -j addr
section route4 ip -j route show table main
section route6 ip -6 -j route show table main
section link ip -j link
section ipv6-mtu sh -c 'for f in /proc/sys/net/ipv6/conf/*/mtu; do d=${f%/mtu}; echo "${d##*/} $(cat "$f")"; done'
section resolv.conf cat /etc/resolv.conf
section resolvectl resolvectl status --no-pager
section renderer grep -h "Selected renderer" /var/log/cloud-init.log
section cloud-init-problems grep -hE "WARNING|ERROR|Traceback" /var/log/cloud-init.log
section files files
section journal sh -c "journalctl -b --no-pager -o short-monotonic -u networking.service -u systemd-networkd.service -u NetworkManager.service -u 'ifup@*' | tail -n 200"
echo "=== guestvm-report end"
sync
# With the guest agent's channel, the harness asks the agent for the
# interfaces once it has read the report, then stops QEMU; power off by
# ourselves only if it never does.
[ -e /dev/virtio-ports/org.qemu.guest_agent.0 ] && sleep 120
poweroff -f
