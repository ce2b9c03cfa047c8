#!/usr/bin/env bash
# Build the headless pidgin-sipe client and the libxml2 SAX1 shim into OUT (default testing/sipe/build).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/build}"
mkdir -p "$out"
cc -O1 -Wall -Wextra -o "$out/sipe-signon" "$here/sipe-signon.c" $(pkg-config --cflags --libs purple glib-2.0)
cc -O1 -Wall -Wextra -shared -fPIC -o "$out/sax1-shim.so" "$here/sax1-shim.c" $(pkg-config --cflags libxml-2.0) -ldl
echo "$out"
