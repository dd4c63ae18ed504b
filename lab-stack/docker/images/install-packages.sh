#!/bin/sh
# Installs every package of the lab into one image layer, shared by all roles: one
# `apt-get update` (two with pgdg), one download of each package, and no role pays for the
# same dependency twice (python3 serves Patroni and the PgBouncer exporter, libpq everybody).
#
#   install-packages.sh debian|pgdg [PGDG_VERSION] [PGDG_MIRROR] [SUITE]
#
# debian: Debian's own PostgreSQL and Patroni and the rest from Debian: on bookworm PostgreSQL
#         15 and Patroni 3.0.2, on trixie PostgreSQL 17 and Patroni 4.0.7.
# SUITE:  the release the base image must be (bookworm, trixie); the build stops if it is not.
# pgdg:   adds apt.postgresql.org (key from Debian's postgresql-common, so no download has to
#         be trusted) and installs PostgreSQL PGDG_VERSION; apt then also prefers pgdg's newer
#         Patroni, PgBouncer and Pgpool-II where that repository carries them.
set -eu

source="${1:-debian}"
pgdg_version="${2:-17}"
pgdg_mirror="${3:-https://apt.postgresql.org/pub/repos/apt}"
suite="${4:-}"

say() { printf '==> %s\n' "$*"; }

case "$source" in
  debian|pgdg) ;;
  *) echo "error: POSTGRES_SOURCE must be 'debian' or 'pgdg', not '$source'" >&2; exit 2 ;;
esac

if [ -n "$suite" ]; then
  actual=$(. /etc/os-release && echo "${VERSION_CODENAME:-unknown}")
  if [ "$actual" != "$suite" ]; then
    echo "error: the base image is Debian $actual, not $suite: give BASE_IMAGE an image of $suite" \
         "(PGHA_DEBIAN_SUITE=$suite ./build-base-image.sh pgha/debian-base:$suite builds one)" >&2
    exit 2
  fi
fi

export DEBIAN_FRONTEND=noninteractive
# --force-unsafe-io: no fsync per unpacked file (as Debian's own container images do); a build
# that dies is thrown away anyway, and on overlay storage the fsyncs cost minutes.
apt_install() {
  apt-get install -y --no-install-recommends -o Dpkg::Use-Pty=0 -o Dpkg::Options::=--force-unsafe-io \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}
started=$(date +%s)
elapsed() { echo "$(( $(date +%s) - started )) s"; }

# No daemon may start during the build, and installing PostgreSQL must not create the
# "main" cluster: Patroni creates and owns the only cluster of a lab member.
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
chmod 0755 /usr/sbin/policy-rc.d
mkdir -p /etc/postgresql-common
echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf

say "apt-get update (Debian)"
apt-get update

if [ "$source" = pgdg ]; then
  say "adding apt.postgresql.org ($pgdg_mirror) for PostgreSQL $pgdg_version"
  apt_install ca-certificates postgresql-common
  codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
  # The repository key as Debian ships it inside postgresql-common.
  install -m 0644 /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc /usr/share/keyrings/pgdg.asc
  cat >/etc/apt/sources.list.d/pgdg.sources <<EOF
Types: deb
URIs: $pgdg_mirror
Suites: $codename-pgdg
Components: main
Signed-By: /usr/share/keyrings/pgdg.asc
EOF
  say "apt-get update (with pgdg)"
  apt-get update
  postgres_packages="postgresql-$pgdg_version postgresql-client-$pgdg_version"
else
  postgres_packages="postgresql postgresql-client"
fi

# python3-etcd: Patroni's etcd and etcd3 DCS (the etcd3 one talks to etcd's JSON gateway).
# python3-psycopg2: Patroni, and the lab's own PgBouncer exporter (Debian's
# prometheus-pgbouncer-exporter 1.7 is not installed: it fails against PgBouncer 1.18).
# procps: pkill/pgrep (the console freezes WAL senders with pkill -STOP). curl: health checks.
# iproute2: ss, for diagnostics and tests/othercluster run inside this image.
say "installing the lab's packages"
# shellcheck disable=SC2086  # word splitting of the package lists is intended
apt_install \
  $postgres_packages \
  patroni python3-etcd python3-psycopg2 \
  etcd-server etcd-client \
  haproxy pgbouncer pgpool2 \
  prometheus-postgres-exporter \
  ca-certificates curl procps tini iproute2

say "packages installed after $(elapsed)"

# The mount points of the named volumes, owned as the daemons need them: Docker gives a fresh
# named volume the owner and mode of the directory it is mounted on (the roles check again,
# for volumes made elsewhere).
install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/data
install -d -o etcd -g etcd -m 0700 /var/lib/etcd

# The packages' own service configurations are never used: every role writes its own.
rm -f /etc/pgbouncer/userlist.txt /etc/pgpool2/pool_passwd
apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt/* /var/log/dpkg.log

# What was installed, for the build log and for `docker run --rm IMAGE cat /etc/pgha/versions`.
mkdir -p /etc/pgha
{
  echo "postgres_source=$source"
  for bin in /usr/lib/postgresql/*/bin/postgres; do "$bin" --version; done
  patroni --version
  etcd --version | head -1
  haproxy -v | head -1
  pgbouncer --version | head -1
  pgpool --version 2>&1 | head -1
  prometheus-postgres-exporter --version 2>&1 | head -1
} >/etc/pgha/versions
cat /etc/pgha/versions
