#!/bin/sh
# Makes sure PostgreSQL answers at 127.0.0.1:$PGPORT (default 5432) for the portal's tests on
# PostgreSQL, which connect as "postgres" without a password. Nothing is done when it already
# answers. Otherwise: install Debian's postgresql when it is missing, find (or create) the
# cluster for that port, let local connections to 127.0.0.1 in without a password (a test
# machine's setting), start it, and create the database named by the first argument.
#
#   sh scripts/ensure-postgres.sh [DATABASE]          (default database: test)
set -e
PGPORT=${PGPORT:-5432}
DB=${1:-test}

answers() {
    python3 -c "import socket,sys; s=socket.socket(); s.settimeout(1); sys.exit(s.connect_ex(('127.0.0.1', $PGPORT)))"
}

answers && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

if ! command -v pg_lsclusters >/dev/null 2>&1; then
    echo "PostgreSQL is not installed: installing Debian's postgresql"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi

version=$(ls /usr/lib/postgresql | sort -n | tail -1)
cluster=$(pg_lsclusters -h | awk -v port="$PGPORT" '$3 == port { print $2; exit }')
if [ -z "$cluster" ]; then
    cluster=csww$PGPORT
    echo "Creating PostgreSQL $version cluster $cluster on port $PGPORT"
    $SUDO pg_createcluster -p "$PGPORT" "$version" "$cluster" >/dev/null
else
    version=$(pg_lsclusters -h | awk -v port="$PGPORT" '$3 == port { print $1; exit }')
fi

hba=/etc/postgresql/$version/$cluster/pg_hba.conf
if ! grep -q "csww tests" "$hba"; then
    # First match wins in pg_hba.conf: put the test machine's rule at the top.
    $SUDO sh -c "{ echo '# csww tests: local TCP connections without a password'; echo 'host all all 127.0.0.1/32 trust'; cat '$hba'; } > '$hba.new' && mv '$hba.new' '$hba' && chown postgres:postgres '$hba'"
fi

echo "Starting PostgreSQL $version/$cluster on 127.0.0.1:$PGPORT"
$SUDO pg_ctlcluster "$version" "$cluster" start || $SUDO pg_ctlcluster "$version" "$cluster" reload
tries=0
until answers; do
    tries=$((tries + 1))
    if [ "$tries" -gt 30 ]; then
        echo "PostgreSQL did not start; see /var/log/postgresql/postgresql-$version-$cluster.log" >&2
        exit 1
    fi
    sleep 1
done
# Wait for it to accept sessions, not only connections, then create the database once.
tries=0
until psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -Atqc "select 1" >/dev/null 2>&1; do
    tries=$((tries + 1))
    [ "$tries" -gt 30 ] && { echo "PostgreSQL does not accept sign-ins" >&2; exit 1; }
    sleep 1
done
exists=$(psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -Atqc "select 1 from pg_database where datname = '$DB'")
[ "$exists" = "1" ] || psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -qc "create database \"$DB\"" >/dev/null
echo "PostgreSQL is ready: postgresql://postgres@127.0.0.1:$PGPORT/$DB"
