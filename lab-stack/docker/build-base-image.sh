#!/usr/bin/env bash
# Builds the lab's base image from Debian packages, for machines that cannot pull from a
# container registry (air-gapped sites, this project's CI): debootstrap a minimal Debian into a
# folder, then `docker import` it. The lab's Dockerfiles take it as BASE_IMAGE.
#
#   lab-stack/docker/build-base-image.sh [IMAGE]      default IMAGE: pgha/debian-base:bookworm
#
# Environment: PGHA_DEBIAN_MIRROR (default: the host's first apt deb.debian.org-style URI, else
# http://deb.debian.org/debian), PGHA_DEBIAN_SUITE (default: bookworm).
set -euo pipefail

IMAGE="${1:-pgha/debian-base:bookworm}"
SUITE="${PGHA_DEBIAN_SUITE:-bookworm}"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "debootstrap needs root: run this script with sudo"
command -v debootstrap >/dev/null || die "debootstrap is not installed: apt-get install debootstrap"
command -v docker >/dev/null || die "docker is not installed"
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 \
  || die "the Docker daemon does not answer ('docker version' failed): start it (systemctl start docker)"

if docker image inspect "$IMAGE" >/dev/null 2>&1 && [ -z "${PGHA_REBUILD_BASE:-}" ]; then
  say "$IMAGE already exists (PGHA_REBUILD_BASE=1 builds it again)"
  exit 0
fi

# The mirror the host's apt uses, so that a site with its own mirror needs no setting.
mirror="${PGHA_DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  mirror=$(sed -n 's/^URIs:[[:space:]]*\(http[^ ]*\/debian\)[[:space:]]*$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
  [ -n "$mirror" ] || mirror=$(awk '$1=="deb" && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  mirror="${mirror:-http://deb.debian.org/debian}"
fi

root=$(mktemp -d /var/tmp/pgha-base.XXXXXX)
trap 'rm -rf "$root"' EXIT
say "debootstrap $SUITE from $mirror (a few minutes)"
debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$root" "$mirror" >"$root.log" 2>&1 \
  || { tail -30 "$root.log" >&2; rm -f "$root.log"; die "debootstrap failed (output above)"; }
rm -f "$root.log"

# apt inside the image uses the same mirror; keep the image small as the official one does.
cat >"$root/etc/apt/sources.list" <<SOURCES
deb $mirror $SUITE main
deb $mirror $SUITE-updates main
deb ${mirror%/debian}/debian-security $SUITE-security main
SOURCES
# Snapshot mirrors serve expired Release files; the host's apt may be set to accept them.
cp /etc/apt/apt.conf.d/99artifact-registry "$root/etc/apt/apt.conf.d/" 2>/dev/null || true
printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$root/etc/apt/apt.conf.d/90pgha-no-recommends"
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*

say "docker import as $IMAGE"
tar -C "$root" -c . | docker import \
  --change 'ENV DEBIAN_FRONTEND=noninteractive' --change 'CMD ["/bin/bash"]' - "$IMAGE" >/dev/null
say "built $IMAGE: $(docker image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}')"
