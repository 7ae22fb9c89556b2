#!/usr/bin/env bash
# Installs Debian packages the service tests start for real (coturn, redis-server) when their
# program is missing. Usage: ensure-debian-packages.sh PROGRAM=PACKAGE…  e.g. turnserver=coturn
# Their daemons are NOT started by the install (a policy-rc.d says no): each test starts its own
# on 127.0.0.1 on a free port and stops it by PID. Needs root and apt; otherwise it says what is
# missing and exits 0, and the tests that need the program skip with that same message.
set -euo pipefail
missing=()
for pair in "$@"; do
  program="${pair%%=*}"
  package="${pair#*=}"
  command -v "$program" >/dev/null 2>&1 || [ -x "/usr/sbin/$program" ] || [ -x "/usr/bin/$program" ] || missing+=("$package")
done
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-debian-packages: cannot install ${missing[*]} (needs root and apt-get); the tests that need them will skip" >&2
  exit 0
fi
echo "ensure-debian-packages: installing ${missing[*]} from Debian"
export DEBIAN_FRONTEND=noninteractive
# Keep the packages' init scripts from starting system-wide daemons during the install.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  created_policy=1
fi
cleanup() { if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
