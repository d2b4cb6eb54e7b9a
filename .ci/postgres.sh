# Start a throwaway PostgreSQL server for the store tests; meant to be sourced:
#
#   . .ci/postgres.sh            # exports EVENTSCOPE_TEST_PG_URL, defines eventscope_pg_stop
#
# Installs Debian's postgresql when no server binaries are found, initdb's a temporary data directory,
# starts the server on a free loopback port as an unprivileged user (PostgreSQL refuses to run as root),
# and creates an empty database.  The server stops when eventscope_pg_stop runs, or when the sourcing
# shell exits if it has no EXIT trap of its own.

_es_pg_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
        echo "$dir"
    fi
}

_es_pg_start() {
    local bindir port run_as
    bindir=$(_es_pg_bindir)
    if [ -z "$bindir" ]; then
        echo "postgres.sh: installing Debian's postgresql" >&2
        export DEBIAN_FRONTEND=noninteractive
        if ! apt-get install -y -q postgresql >/dev/null 2>&1; then
            apt-get update -q >/dev/null && apt-get install -y -q postgresql >/dev/null || return 1
        fi
        bindir=$(_es_pg_bindir)
        [ -n "$bindir" ] || { echo "postgres.sh: no initdb after installing postgresql" >&2; return 1; }
    fi

    ES_PG_DIR=$(mktemp -d /tmp/eventscope-pg.XXXXXX)
    run_as=()
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        chown postgres "$ES_PG_DIR"
        run_as=(runuser -u postgres --)
    fi
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

    "${run_as[@]}" "$bindir/initdb" -D "$ES_PG_DIR/data" -U postgres --auth=trust -E UTF8 --no-locale \
        >"$ES_PG_DIR/initdb.log" 2>&1 || { cat "$ES_PG_DIR/initdb.log" >&2; return 1; }
    # fsync off: a test server whose data is thrown away; it makes CREATE DATABASE per test cheap.
    "${run_as[@]}" "$bindir/pg_ctl" -D "$ES_PG_DIR/data" -l "$ES_PG_DIR/server.log" -w -t 60 \
        -o "-p $port -k $ES_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
        start >/dev/null || { cat "$ES_PG_DIR/server.log" >&2; return 1; }
    "${run_as[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres eventscope_test || return 1

    ES_PG_BINDIR=$bindir
    ES_PG_RUN_AS="${run_as[*]}"
    export EVENTSCOPE_TEST_PG_URL="postgresql://postgres@127.0.0.1:$port/eventscope_test"
    echo "postgres.sh: EVENTSCOPE_TEST_PG_URL=$EVENTSCOPE_TEST_PG_URL" >&2
}

eventscope_pg_stop() {
    if [ -n "${ES_PG_DIR:-}" ] && [ -d "$ES_PG_DIR/data" ]; then
        $ES_PG_RUN_AS "$ES_PG_BINDIR/pg_ctl" -D "$ES_PG_DIR/data" -m fast -w stop >/dev/null 2>&1
        rm -rf "$ES_PG_DIR"
    fi
    unset EVENTSCOPE_TEST_PG_URL ES_PG_DIR
}

if _es_pg_start; then
    if [ -z "$(trap -p EXIT)" ]; then
        trap eventscope_pg_stop EXIT
    fi
else
    echo "postgres.sh: could not start PostgreSQL; PostgreSQL store tests will be skipped" >&2
fi
