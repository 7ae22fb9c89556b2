#!/usr/bin/env bash
# coturn (`turnserver`) for the TURN relay tests, and openssl for the test certificate of TURN over
# TLS; see ensure-debian-packages.sh.
exec bash "$(dirname "$0")/ensure-debian-packages.sh" turnserver=coturn openssl=openssl
