#!/usr/bin/env bash
# kill-when-journaled.sh JOURNAL TEXT COUNT PID...: once JOURNAL has COUNT lines containing TEXT, kill -9 the PIDs
# (the processes serving one stand-in host's session), so a host drops out at a known point of a run. Gives up after 60 s.
journal=$1 text=$2 count=$3
shift 3
for _ in $(seq 1 3000); do
  n=$(grep -c -F -- "$text" "$journal" 2>/dev/null)
  [ "${n:-0}" -ge "$count" ] && break
  sleep 0.02
done
kill -9 "$@"
