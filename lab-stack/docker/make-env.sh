#!/bin/sh
# Writes the .env of the pgha Docker lab (beside docker-compose.yml) for people who run Compose
# by hand: env.example with fresh random passwords. Never overwrites an existing .env.
#
#   ./make-env.sh [--project NAME] [--profiles haproxy|pgpool|haproxy,pgpool]
#                 [--suite bookworm|trixie] [--base-image IMAGE] [--port-offset N]
#
# --port-offset adds N to every host port (to run beside another lab). --suite picks the Debian
# release, hence the versions (trixie: PostgreSQL 17, Patroni 4). Without --base-image the
# offline base image pgha/debian-base:SUITE is used when it exists locally, else
# debian:SUITE-slim.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
env_file="$here/.env"
example="$here/env.example"

die() { printf 'make-env.sh: %s\n' "$*" >&2; exit 1; }

project="" profiles="" base_image="" offset=0 suite=bookworm
while [ $# -gt 0 ]; do
  case "$1" in
    --project) project=${2:?--project needs a name}; shift 2 ;;
    --profiles) profiles=${2:?--profiles needs a value}; shift 2 ;;
    --suite) suite=${2:?--suite needs bookworm or trixie}; shift 2 ;;
    --base-image) base_image=${2:?--base-image needs an image}; shift 2 ;;
    --port-offset) offset=${2:?--port-offset needs a number}; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

[ -f "$example" ] || die "$example is missing: run this script from a complete copy of the lab folder"
if [ -e "$env_file" ]; then
  echo "make-env.sh: $env_file exists; left as it is (delete it to get a new one with new passwords)" >&2
  exit 0
fi
case "$offset" in
  ''|*[!0-9]*) die "--port-offset must be a whole number, not '$offset'" ;;
esac
case "$suite" in
  bookworm|trixie) ;;
  *) die "--suite: bookworm (Debian 12) or trixie (Debian 13), not '$suite'" ;;
esac
case "$project" in
  *[!a-z0-9_-]*) die "--project: use lowercase letters, digits, '-' and '_' only (it names images too)" ;;
esac

if [ -z "$base_image" ]; then
  base_image=debian:$suite-slim
  if command -v docker >/dev/null 2>&1 && docker image inspect "pgha/debian-base:$suite" >/dev/null 2>&1; then
    base_image=pgha/debian-base:$suite
  fi
fi

# 24 characters from an alphabet without look-alikes, safe unquoted in every file the lab writes.
password() {
  LC_ALL=C tr -dc 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789' </dev/urandom | head -c 24
}

umask 077
tmp=$(mktemp "$env_file.XXXXXX")
trap 'rm -f "$tmp"' EXIT
# The passwords reach awk through its environment, which only this user can read
# (/proc/PID/environ is 0400), never through its command line, which every user sees in ps.
PGHA_P1=$(password) PGHA_P2=$(password) PGHA_P3=$(password) PGHA_P4=$(password) \
awk -v project="$project" -v profiles="$profiles" -v base="$base_image" -v suite="$suite" -v offset="$offset" '
  BEGIN { FS = OFS = "="; p1 = ENVIRON["PGHA_P1"]; p2 = ENVIRON["PGHA_P2"]; p3 = ENVIRON["PGHA_P3"]; p4 = ENVIRON["PGHA_P4"] }
  /^COMPOSE_PROJECT_NAME=/ && project != "" { $2 = project }
  /^COMPOSE_PROFILES=/ && profiles != "" { $2 = profiles }
  /^BASE_IMAGE=/ { $2 = base }
  /^PGHA_DEBIAN_SUITE=/ { $2 = suite }
  /^POSTGRES_PASSWORD=/ { $2 = p1 }
  /^REPLICATION_PASSWORD=/ { $2 = p2 }
  /^REWIND_PASSWORD=/ { $2 = p3 }
  /^PGPOOL_PCP_PASSWORD=/ { $2 = p4 }
  /^[A-Z0-9_]+_PORT=[0-9]+$/ { $2 = $2 + offset }
  { print }
' "$example" >"$tmp"
mv "$tmp" "$env_file"
trap - EXIT
shifted=""
[ "$offset" -eq 0 ] || shifted=", every host port +$offset"
echo "make-env.sh: wrote $env_file (Debian $suite, base image $base_image$shifted); it holds the passwords: keep it private" >&2
