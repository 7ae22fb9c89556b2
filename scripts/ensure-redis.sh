#!/usr/bin/env bash
# redis-server for the scale-out tests; see ensure-debian-packages.sh.
exec bash "$(dirname "$0")/ensure-debian-packages.sh" redis-server=redis-server
