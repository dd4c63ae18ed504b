# Container plumbing shared by packaging/check-deb.sh and packaging/check-source.sh (sourced,
# not run). Every container is started with --rm under a name of this run, and every one still
# there is removed on exit, whatever the exit (success, failure, Ctrl-C).
#
# The containers come from pgha/debian-base:SUITE (lab-stack/docker/build-base-image.sh: a
# debootstrap of the host's own apt mirror, so no registry is needed). Per suite, two host
# folders are mounted so that a second run is fast: /var/cache/pgha-ccache-SUITE (ccache) and
# /var/cache/pgha-apt-SUITE (the downloaded .deb files). PGHA_CACHE_ROOT moves both.

PGHA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PGHA_CACHE_ROOT="${PGHA_CACHE_ROOT:-/var/cache}"
PGHA_RUN_ID="pgha-check-$$"
PGHA_CONTAINERS=()
PGHA_SUMMARY=()
PGHA_FAILED=0

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

ctr_cleanup() {
  local c
  # Every container of this run, by its name's prefix (a step may have run in a subshell).
  for c in "${PGHA_CONTAINERS[@]}" $(docker ps -aq --filter "name=^$PGHA_RUN_ID-" 2>/dev/null); do
    docker rm -f "$c" >/dev/null 2>&1 || true
  done
  PGHA_CONTAINERS=()
}
trap ctr_cleanup EXIT
trap 'ctr_cleanup; exit 130' INT
trap 'ctr_cleanup; exit 143' TERM

ctr_preflight() {
  [ "$(id -u)" -eq 0 ] || die "run as root (docker, and the cache folders under $PGHA_CACHE_ROOT)"
  command -v docker >/dev/null || die "docker is not installed"
  docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || die "the Docker daemon does not answer"
}

# The base image of SUITE, built from the host's apt mirror when missing.
ctr_base_image() {
  local suite="$1" image="pgha/debian-base:$1"
  if ! docker image inspect "$image" >/dev/null 2>&1; then
    say "building $image (debootstrap, a few minutes)"
    PGHA_DEBIAN_SUITE="$suite" "$PGHA_ROOT/lab-stack/docker/build-base-image.sh" "$image" >&2
  fi
  echo "$image"
}

# ctr_run SUITE NAME [docker run options…] -- COMMAND…
# Runs COMMAND in a fresh --rm container of SUITE named $PGHA_RUN_ID-NAME, with the suite's
# caches mounted; stdin is passed through (-i), so a tar of the sources can be piped in.
ctr_run() {
  local suite="$1" name="$PGHA_RUN_ID-$2" image opts=()
  shift 2
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do opts+=("$1"); shift; done
  [ "${1:-}" = "--" ] && shift
  image=$(ctr_base_image "$suite")
  mkdir -p "$PGHA_CACHE_ROOT/pgha-ccache-$suite" "$PGHA_CACHE_ROOT/pgha-apt-$suite"
  PGHA_CONTAINERS+=("$name")
  # The shared memory PostgreSQL asks for (3 instances) is more than Docker's 64 MB default.
  # --init: a reaper as PID 1, as init is on a machine. Patroni starts PostgreSQL detached and
  # the lab's daemons outlive `pgha lab start`: without one, each that exits stays a zombie,
  # still "running" to whoever waits for it (Patroni waits for its postmaster until it gives up).
  docker run --rm -i --init --name "$name" --hostname "pgha-$suite" --shm-size 1g \
    -v "$PGHA_CACHE_ROOT/pgha-ccache-$suite:/var/cache/ccache" \
    -v "$PGHA_CACHE_ROOT/pgha-apt-$suite:/var/cache/apt/archives" \
    -e CCACHE_DIR=/var/cache/ccache -e CCACHE_BASEDIR=/src -e CCACHE_MAXSIZE=5G \
    -e DEBIAN_FRONTEND=noninteractive -e LANG=C.UTF-8 \
    "${opts[@]}" "$image" "$@"
  local rc=$?
  docker rm -f "$name" >/dev/null 2>&1 || true
  return $rc
}

# The working tree as it is (tracked and new files, uncommitted edits included, no build
# folders and nothing .gitignore names) as a tar on stdout.
ctr_source_tar() {
  (cd "$PGHA_ROOT" && git ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
    | tar --null -T - -c)
}

# step SUITE LABEL COMMAND… : runs COMMAND, records PASS/FAIL with its duration.
step() {
  local suite="$1" label="$2" start rc
  shift 2
  say "[$suite] $label"
  start=$(date +%s)
  if "$@"; then rc=0; else rc=$?; fi
  local took=$(( $(date +%s) - start ))
  if [ $rc -eq 0 ]; then
    PGHA_SUMMARY+=("PASS  $suite  $label  (${took}s)")
  else
    PGHA_SUMMARY+=("FAIL  $suite  $label  (${took}s, exit $rc)")
    PGHA_FAILED=1
  fi
  return $rc
}

print_summary() {
  local line
  printf '\n\033[1m%s\033[0m\n' "Summary"
  for line in "${PGHA_SUMMARY[@]}"; do printf '  %s\n' "$line"; done
  if [ "$PGHA_FAILED" -eq 0 ]; then printf '\033[1mALL PASSED\033[0m\n'; else printf '\033[1mFAILED\033[0m\n'; fi
}
