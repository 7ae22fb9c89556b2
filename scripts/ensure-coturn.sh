#!/usr/bin/env bash
# coturn (`turnserver`) for the TURN relay tests; see ensure-debian-packages.sh.
exec bash "$(dirname "$0")/ensure-debian-packages.sh" turnserver=coturn
