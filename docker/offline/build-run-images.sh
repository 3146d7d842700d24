#!/usr/bin/env bash
# Builds the local run images without any container registry:
#   debootstrap (minbase, bookworm, from the Debian mirror apt already uses) + docker import.
#   sebs/run.local.python:3.11   python3 + the Debian packages the Python benchmarks need
#   sebs/run.local.nodejs:18     Debian's nodejs (v18)
# Usage: build-run-images.sh [--force] [python|nodejs ...]
# Env:   SEBS_IMAGE_CACHE  where rootfs tarballs are cached (default ~/.cache/sebs/images)
#        SEBS_IMAGE_REPO   repository part of the tags (default sebs)
# Idempotent: an image that already exists is skipped (unless --force); a cached rootfs is re-imported
# without running debootstrap again (unless --force).
set -euo pipefail

FORCE=0
WANT=()
for a in "$@"; do
  case "$a" in
    --force) FORCE=1 ;;
    python|nodejs) WANT+=("$a") ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown argument: $a" >&2; exit 2 ;;
  esac
done
[ ${#WANT[@]} -gt 0 ] || WANT=(python nodejs)

SUITE=bookworm
CACHE=${SEBS_IMAGE_CACHE:-$HOME/.cache/sebs/images}
mkdir -p "$CACHE"

log() { printf '[run-images] %s\n' "$*" >&2; }

# The mirror apt uses for the main suite (deb822 .sources first, then one-line lists).
find_mirror() {
  local f uri
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    uri=$(awk -v suite="$SUITE" '
      BEGIN { RS=""; FS="\n" }
      {
        u=""; s=""; t=""
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/)   { u = $i; sub(/^URIs:[ \t]*/, "", u); split(u, parts, /[ \t]+/); u = parts[1] }
          if ($i ~ /^Suites:/) { s = " " $i " " }
          if ($i ~ /^Types:/)  { t = $i }
        }
        if (t ~ /deb( |$)/ && s ~ (" " suite " ") && u != "") { print u; exit }
      }' "$f")
    if [ -n "$uri" ]; then echo "$uri"; return; fi
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    uri=$(awk -v suite="$SUITE" '$1 == "deb" && $0 !~ /^#/ {
             i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
             if ($(i+1) == suite) { print $i; exit } }' "$f")
    if [ -n "$uri" ]; then echo "$uri"; return; fi
  done
  return 1
}

image_packages() {
  case "$1" in
    python) echo "python3,python3-jinja2,python3-pil,python3-numpy,python3-igraph,python3-boto3,ffmpeg,ca-certificates" ;;
    nodejs) echo "nodejs,ca-certificates" ;;
  esac
}
image_tag() {
  case "$1" in
    python) echo "${SEBS_IMAGE_REPO:-sebs}/run.local.python:3.11" ;;
    nodejs) echo "${SEBS_IMAGE_REPO:-sebs}/run.local.nodejs:18" ;;
  esac
}
image_changes() {
  case "$1" in
    python) printf '%s\n' 'ENV LANG=C.UTF-8' 'ENV PYTHONDONTWRITEBYTECODE=1' 'WORKDIR /function' 'CMD ["python3", "/function/handler.py"]' ;;
    nodejs) printf '%s\n' 'ENV LANG=C.UTF-8' 'WORKDIR /function' 'CMD ["node", "/function/handler.js"]' ;;
  esac
}

command -v docker >/dev/null || { log "docker CLI not found"; exit 1; }
docker info >/dev/null 2>&1 || { log "no Docker daemon answers (docker info failed)"; exit 1; }

MIRROR=""
TOTAL_START=$(date +%s)
for name in "${WANT[@]}"; do
  tag=$(image_tag "$name")
  if [ $FORCE -eq 0 ] && docker image inspect "$tag" >/dev/null 2>&1; then
    log "$tag exists, skipped (use --force to rebuild)"
    echo "$tag"
    continue
  fi
  pkgs=$(image_packages "$name")
  key=$(printf '%s|%s|%s' "$SUITE" "$pkgs" "$(uname -m)" | sha256sum | cut -c1-12)
  tarball="$CACHE/rootfs-$name-$SUITE-$key.tar"
  start=$(date +%s)
  if [ $FORCE -eq 1 ] || [ ! -s "$tarball" ]; then
    command -v debootstrap >/dev/null || { log "debootstrap not found (apt-get install debootstrap)"; exit 1; }
    [ -n "$MIRROR" ] || MIRROR=$(find_mirror) || { log "no '$SUITE' mirror found in /etc/apt/sources.list*"; exit 1; }
    rootfs=$(mktemp -d "$CACHE/rootfs-$name.XXXXXX")
    trap 'rm -rf "$rootfs"' EXIT
    log "debootstrap $SUITE ($pkgs) from $MIRROR"
    debootstrap --variant=minbase --include="$pkgs" "$SUITE" "$rootfs" "$MIRROR" > "$CACHE/debootstrap-$name.log" 2>&1 \
      || { log "debootstrap failed, see $CACHE/debootstrap-$name.log"; tail -5 "$CACHE/debootstrap-$name.log" >&2; exit 1; }
    # Slim the image: package caches and docs are not needed at run time.
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
           "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
    tar -C "$rootfs" --numeric-owner -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    rm -rf "$rootfs"; trap - EXIT
    log "rootfs cached: $tarball ($(du -h "$tarball" | cut -f1), debootstrap+tar $(( $(date +%s) - start )) s)"
  else
    log "using cached rootfs $tarball"
  fi
  changes=()
  while IFS= read -r c; do changes+=(--change "$c"); done < <(image_changes "$name")
  istart=$(date +%s)
  docker import "${changes[@]}" "$tarball" "$tag" >/dev/null
  log "imported $tag in $(( $(date +%s) - istart )) s (total for image $(( $(date +%s) - start )) s)"
  echo "$tag"
done
log "done in $(( $(date +%s) - TOTAL_START )) s"
