#!/usr/bin/env bash
# Runs a command inside a private network namespace that has nothing but loopback, so that browser
# peers, signaling and relays under test can only reach 127.0.0.1: nothing leaves the machine and
# ICE always takes the same path. Needs root (CI and the dev machines run as root); elsewhere the
# command runs as is, with a warning. Install dependencies before calling this: there is no network
# inside.
set -euo pipefail
if [ "${FERRY_NO_NETNS:-}" = "1" ] || [ "$(id -u)" != "0" ] || ! command -v unshare >/dev/null || ! command -v ip >/dev/null; then
  echo "in-loopback-netns: running without a private network namespace (needs root, unshare and ip)" >&2
  exec "$@"
fi
# FERRY_LOOPBACK_NETNS tells tests that they run in this private namespace, where they may add
# interfaces of their own (e2e/insecure-browser.spec.ts) without touching the machine's network.
exec unshare --net -- sh -c 'ip link set lo up && export FERRY_LOOPBACK_NETNS=1 && exec "$@"' in-loopback-netns "$@"
