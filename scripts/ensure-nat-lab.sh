#!/usr/bin/env bash
# What the NAT lab (e2e/support/nat-lab.ts: e2e/nat-lab.spec.ts and `npm run lab:nat`) needs from
# Debian: iproute2 (network namespaces, veth, bridges), nftables (the routers' NAT), conntrack (to
# empty a router's mappings when its public address changes) and coturn (STUN/TURN in the lab's
# internet). Installed only when missing, with the packages' daemons kept from starting; without
# root or apt it says what is missing and exits 0, and the lab's tests skip with the reason.
set -euo pipefail
here="$(dirname "$0")"
bash "$here/ensure-debian-packages.sh" ip=iproute2 nft=nftables conntrack=conntrack
bash "$here/ensure-coturn.sh"
