# Starts a private PostgreSQL cluster on 127.0.0.1 for tests; sourced by .ci/run.
PG_PORT=${PG_PORT:-54329}
PG_DIR=${PG_DIR:-/tmp/ocauth-ci-pg}
pg_bin() {
  if command -v initdb >/dev/null; then dirname "$(command -v initdb)"; else ls -d /usr/lib/postgresql/*/bin | tail -1; fi
}
start_postgres() {
  local bin; bin=$(pg_bin) || return 1
  id ocauthpg >/dev/null 2>&1 || useradd -r -M -s /bin/sh ocauthpg || return 1
  rm -rf "$PG_DIR"; mkdir -p "$PG_DIR"; chown ocauthpg "$PG_DIR"
  su ocauthpg -c "$bin/initdb -D $PG_DIR/data -U ocauth --auth=trust >/dev/null" || return 1
  su ocauthpg -c "$bin/pg_ctl -D $PG_DIR/data -l $PG_DIR/log -o '-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1' -w start >/dev/null" || return 1
  export OCAUTH_TEST_PG_URL="postgres://ocauth@127.0.0.1:$PG_PORT/postgres"
  echo "ci: PostgreSQL on 127.0.0.1:$PG_PORT"
}
stop_postgres() {
  local bin; bin=$(pg_bin) || return 0
  [ -d "$PG_DIR/data" ] && su ocauthpg -c "$bin/pg_ctl -D $PG_DIR/data -m fast stop >/dev/null" 2>/dev/null || true
}
