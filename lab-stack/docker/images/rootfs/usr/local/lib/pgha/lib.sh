# Shared by the entrypoints of the pgha Docker lab (sourced, not run). Bash.
#
# Conventions: every entrypoint runs as root, writes its configuration under /run/pgha from
# the environment Compose passes (see docker-compose.yml), prints what it wrote with every
# password masked, and then execs the daemon as an unprivileged account with a clean
# environment. A missing variable stops the container with a message naming it.

set -euo pipefail

PGHA_ROLE="${PGHA_ROLE:-$(basename "$0")}"
PGHA_RUN_DIR=/run/pgha
# The only environment a daemon gets (plus what its entrypoint adds on purpose).
PGHA_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

say() { printf '%s [%s] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$PGHA_ROLE" "$*" >&2; }
die() {
  say "error: $*"
  exit 78   # EX_CONFIG: the container stops, and `docker logs` says why
}

# need VAR... : each must be set and non-empty.
need() {
  local v
  for v in "$@"; do
    [ -n "${!v:-}" ] || die "$v is not set: docker-compose.yml passes it to this container (from the lab's .env for passwords and timings: see env.example; make-env.sh writes one)"
  done
}

# need_int VAR... : each must be a non-negative integer.
need_int() {
  local v
  for v in "$@"; do
    need "$v"
    [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a whole number, not '${!v}'"
  done
}

# Every secret the lab knows, for masking.
secrets() {
  local v
  for v in POSTGRES_PASSWORD REPLICATION_PASSWORD REWIND_PASSWORD PGPOOL_PCP_PASSWORD; do
    [ -n "${!v:-}" ] && printf '%s\n' "${!v}"
  done
  return 0
}

# The text on stdin with every secret (and its md5, as pcp.conf holds it) replaced by ********.
mask() {
  local text s
  text=$(cat)
  while IFS= read -r s; do
    [ -n "$s" ] || continue
    text=${text//"$s"/********}
    text=${text//"$(printf '%s' "$s" | md5sum | cut -d' ' -f1)"/********}
  done < <(secrets)
  printf '%s\n' "$text"
}

# write_file PATH MODE OWNER[:GROUP] [quiet] < content
# Writes atomically and prints the file (masked) unless "quiet".
write_file() {
  local path=$1 mode=$2 owner=$3 quiet=${4:-} tmp
  mkdir -p "$(dirname "$path")"
  tmp=$(mktemp "$path.XXXXXX")
  cat >"$tmp"
  chmod "$mode" "$tmp"
  chown "$owner" "$tmp"
  mv -f "$tmp" "$path"
  if [ -n "$quiet" ]; then
    say "wrote $path ($(wc -l <"$path") lines, not shown: it holds passwords)"
  else
    say "wrote $path:"
    mask <"$path" | sed 's/^/    /' >&2
  fi
}

# A private directory for a daemon's generated files.
run_dir() {
  local dir="$PGHA_RUN_DIR/$1" owner=$2
  install -d -m 0700 -o "${owner%%:*}" -g "${owner##*:}" "$dir"
  printf '%s\n' "$dir"
}

# yaml_quote STRING: a single-quoted YAML scalar.
yaml_quote() {
  local s=${1//\'/\'\'}
  printf "'%s'" "$s"
}

# run_as USER [VAR=value...] -- PROGRAM ARGS...
# Execs PROGRAM as USER (its primary group and supplementary groups) with only PATH, HOME,
# LANG and the given variables in the environment. Keeps the PID: as PID 1 the daemon gets
# Docker's signals itself.
run_as() {
  local user=$1 home
  shift
  local -a vars=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    vars+=("$1")
    shift
  done
  [ "${1:-}" = "--" ] && shift
  home=$(getent passwd "$user" | cut -d: -f6)
  say "starting as $user: $*"
  exec setpriv --reuid="$user" --regid="$user" --init-groups --no-new-privs -- \
    env -i PATH="$PGHA_PATH" HOME="${home:-/}" LANG=C.UTF-8 "${vars[@]}" "$@"
}

# own_volume DIR USER MODE: a fresh or foreign named volume gets the daemon as its owner.
own_volume() {
  local dir=$1 user=$2 mode=$3
  [ -d "$dir" ] || die "$dir is missing: the service needs its named volume mounted there"
  if [ "$(stat -c %U "$dir")" != "$user" ]; then
    say "$dir belongs to $(stat -c %U:%G "$dir"); giving it to $user"
    chown "$user:$user" "$dir"
  fi
  chmod "$mode" "$dir"
}

# The newest PostgreSQL installed (Debian's or pgdg's), e.g. /usr/lib/postgresql/15/bin.
pg_bin_dir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$dir" ] || die "no PostgreSQL server in /usr/lib/postgresql: the image was built without it"
  printf '%s\n' "$dir"
}

# wait_for_dns NAME...: the entrypoint of a service whose configuration resolves names at
# startup waits (briefly) until Docker's DNS knows them.
wait_for_dns() {
  local name tries
  for name in "$@"; do
    tries=0
    until getent hosts "$name" >/dev/null; do
      tries=$((tries + 1))
      [ "$tries" -le 30 ] || die "the name $name does not resolve after 30 s: is its service running in this project?"
      sleep 1
    done
  done
}
