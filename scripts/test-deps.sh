#!/usr/bin/env bash
# Installs what the test suite needs when it is missing: Debian's
# PostgreSQL and ClickHouse server binaries (the tests start their own
# servers in temp dirs, on loopback) and Debian's chromium, which the web
# UI's end-to-end test drives through playwright-core (a browser download
# of playwright's own is never used). Tests never skip for a missing component: they fail and say how to
# install it; this script is what `make test` does about it first.
set -euo pipefail

need=()
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then need+=(postgresql); fi
if ! command -v runuser >/dev/null 2>&1; then need+=(util-linux); fi
if ! command -v clickhouse-server >/dev/null 2>&1 && ! command -v clickhouse >/dev/null 2>&1; then need+=(clickhouse-server); fi
if [ ! -x /usr/bin/chromium ]; then need+=(chromium); fi

if [ ${#need[@]} -gt 0 ]; then
  echo "test-deps: installing ${need[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
  # Debian starts its services on install; the tests run their own.
  if command -v service >/dev/null 2>&1; then service clickhouse-server stop >/dev/null 2>&1 || true; fi
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    for c in /etc/postgresql/*/main; do
      [ -d "$c" ] && $SUDO pg_ctlcluster "$(basename "$(dirname "$c")")" main stop 2>/dev/null || true
    done
  fi
fi

# chDB (an in-process modern ClickHouse, 26.x) proves the ClickHouse DDL and
# SQL shapes also run on a modern engine. Its library ships in an npm
# package (about 170 MB to download); keep it in a cache outside the tree.
CHDB_DIR=${REPORTS_CHDB_DIR:-$HOME/.cache/reports-chdb}
if [ ! -f "$CHDB_DIR/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so" ]; then
  echo "test-deps: fetching chDB's library into $CHDB_DIR"
  mkdir -p "$CHDB_DIR"
  (cd "$CHDB_DIR" && npm install --no-save --no-audit --no-fund --loglevel=error @chdb/lib-linux-x64-gnu@26.5.3 >/dev/null)
fi
