#!/usr/bin/env bash
# One pidgin-sipe sign-in against ocauth-server, everything on loopback.
#   lab.sh OUT BUILD REPO [--isolate]
# OUT: where server.json, server.log and client.log go; BUILD: the output of build.sh; REPO: the
# repository root (ocauth-server is run from packages/server/dist). With --isolate (run it under
# `unshare -rnm`): loopback is brought up in the new network namespace, and an empty directory is
# mounted over /etc/ssl/certs so libpurple's CA pool holds ONLY the ocauth CA given with --ca-dir.
set -u
out=$1 build=$2 repo=$3
mkdir -p "$out/ca" "$out/home" "$out/no-system-roots"
if [ "${4:-}" = "--isolate" ]; then
  ip link set lo up || { echo "lab: cannot bring loopback up" >&2; exit 4; }
  mount --bind "$out/no-system-roots" /etc/ssl/certs || { echo "lab: cannot hide the system CA directory" >&2; exit 4; }
  echo "lab: isolated: network namespace with loopback only; /etc/ssl/certs hidden" >&2
fi
node "$repo/packages/server/dist/cli.js" --sip-port 0 --json --store memory -d "$out/data" > "$out/server.json" 2> "$out/server.log" &
spid=$!
for _ in $(seq 1 200); do [ -s "$out/server.json" ] && break; kill -0 $spid 2>/dev/null || break; sleep 0.1; done
if [ ! -s "$out/server.json" ]; then echo "lab: ocauth-server did not start" >&2; cat "$out/server.log" >&2; exit 4; fi
read -r port password sipuri < <(node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); console.log(j.sip.port, j.demoUser.password, j.demoUser.sipUri)' "$out/server.json")
cp "$out/data/ca-cert.pem" "$out/ca/ocauth-ca.pem"
user="${sipuri#sip:},OCAUTH\\$(echo "${sipuri#sip:}" | cut -d@ -f1)"
# Debian 12's libsipe needs the SAX1 shim to parse any XML (see sax1-shim.c); nothing on the wire changes.
LD_PRELOAD="$build/sax1-shim.so" "$build/sipe-signon" --user "$user" --password "$password" --server "127.0.0.1:$port" \
  --ca-dir "$out/ca" --home "$out/home" --timeout "${SIPE_TIMEOUT:-75}" > "$out/client.log" 2>&1
rc=$?
kill $spid 2>/dev/null
wait $spid 2>/dev/null
echo "lab: sipe-signon exit $rc" >&2
exit $rc
