#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: `scripts/throwaway-postgres.sh COMMAND [ARGS...]`
# starts a cluster in a temporary folder (unix socket only, no TCP port), runs COMMAND with
# PIX_TEST_POSTGRES_URL set to a database in it, then stops the cluster and deletes the folder,
# whatever COMMAND's exit status (which it returns).
#
# - PIX_TEST_POSTGRES_URL already set: COMMAND runs against that server, nothing is started.
# - PostgreSQL not installed: COMMAND runs without the URL (the server suite then runs on SQLite
#   only and says so); with PIX_REQUIRE_POSTGRES=1 (CI) that is an error instead.
# - Run as root (CI is), the cluster runs as the `postgres` system user: PostgreSQL refuses root.
#
# Durability is off (fsync, synchronous_commit, full_page_writes): the cluster is thrown away.
set -euo pipefail

if [ $# -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi
if [ -n "${PIX_TEST_POSTGRES_URL:-}" ]; then
    exec "$@"
fi

bindir=""
for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && bindir="$candidate"  # the glob sorts: the newest version last
done
if [ -z "$bindir" ] && command -v initdb >/dev/null; then
    bindir="$(dirname "$(command -v initdb)")"
fi
if [ -z "$bindir" ]; then
    if [ "${PIX_REQUIRE_POSTGRES:-0}" = 1 ]; then
        echo "PostgreSQL n'est pas installé (apt-get install postgresql) / PostgreSQL is not installed (apt-get install postgresql)" >&2
        exit 1
    fi
    echo "PostgreSQL absent : la suite du serveur tourne sur SQLite seulement / PostgreSQL not installed: the server suite runs on SQLite only (sudo bash scripts/install-system-packages.sh installs it)" >&2
    exec "$@"
fi

folder="$(mktemp -d "${TMPDIR:-/tmp}/pix-pg.XXXXXX")"
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$folder"
    as_owner=(runuser -u postgres --)
fi
chmod 0755 "$folder"  # the socket in it must be reachable; the cluster's own folder stays 0700

# shellcheck disable=SC2317  # called by the EXIT trap
stop() {
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$folder/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$folder"
}
trap stop EXIT

"${as_owner[@]}" "$bindir/initdb" -D "$folder/data" -U postgres --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 >"$folder/initdb.log" 2>&1 \
    || { cat "$folder/initdb.log" >&2; exit 1; }
options="-c listen_addresses='' -c unix_socket_directories='$folder' -c max_connections=300"
options+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
"${as_owner[@]}" "$bindir/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w -t 60 \
    -o "$options" start >/dev/null \
    || { cat "$folder/server.log" >&2; exit 1; }
"$bindir/createdb" -h "$folder" -U postgres pix_tests

export PIX_TEST_POSTGRES_URL="postgresql+psycopg://postgres@/pix_tests?host=$folder"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') throwaway: $PIX_TEST_POSTGRES_URL" >&2
status=0
"$@" || status=$?
exit "$status"
