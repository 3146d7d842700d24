#!/usr/bin/env bash
# Runs PowerShell with the built Sebs module imported: ./sebs.sh '<PowerShell command>'
# (no arguments: an interactive pwsh session with Sebs loaded).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")" && pwd)
export PATH="$HOME/.dotnet/tools:$PATH" POWERSHELL_TELEMETRY_OPTOUT=1
[ -f "$ROOT/out/Sebs/Sebs.psd1" ] || { echo "Sebs is not built yet: run ./build.sh first." >&2; exit 1; }
if [ $# -eq 0 ]; then
  exec pwsh -NoLogo -NoExit -Command "Import-Module '$ROOT/out/Sebs/Sebs.psd1'"
fi
exec pwsh -NoProfile -NonInteractive -Command "\$ErrorActionPreference = 'Stop'; Import-Module '$ROOT/out/Sebs/Sebs.psd1'; $*"
