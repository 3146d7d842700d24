#!/usr/bin/env bash
# Stops what tests/infra/start-services.sh started (only processes recorded in out/*.pid).
# --keep-docker leaves dockerd running (other sessions on the machine may use it).
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=$PWD/out
stop() {
  local pidfile=$1 name=$2 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "[services] stopped $name (pid $pid)" >&2
  fi
  rm -f "$pidfile"
}
stop "$OUT/s3rver.pid" s3rver
if [ -f "$OUT/s3rver.dir" ]; then rm -rf "$(cat "$OUT/s3rver.dir")"; rm -f "$OUT/s3rver.dir"; fi
rm -f "$OUT/s3rver.endpoint"
stop "$OUT/dynalite.pid" dynalite
stop "$OUT/registry.pid" registry
rm -f "$OUT/registry.endpoint"
rm -f "$OUT/dynalite.endpoint"
stop "$OUT/azurite.pid" azurite
if [ -f "$OUT/azurite.dir" ]; then rm -rf "$(cat "$OUT/azurite.dir")"; rm -f "$OUT/azurite.dir"; fi
rm -f "$OUT/azurite.endpoint"
if [ "${1:-}" = "--keep-docker" ]; then
  [ -f "$OUT/dockerd.pid" ] && echo "[services] dockerd left running (pid $(cat "$OUT/dockerd.pid"))" >&2
else
  stop "$OUT/dockerd.pid" dockerd
fi
rm -f "$OUT/services.env"
