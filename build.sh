#!/usr/bin/env bash
# Build the Sebs module into out/Sebs, and with "test" run every xunit and Pester test.
#   ./build.sh          set-up (pwsh, Pester) + build
#   ./build.sh test     the above, then all tests; ends with "N passed, N failed"
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
OUT=$ROOT/out/Sebs
CONFIG=${SEBS_BUILD_CONFIGURATION:-Release}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 POWERSHELL_TELEMETRY_OPTOUT=1
export PATH="$HOME/.dotnet/tools:$PATH"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

ensure_pwsh() {
  if ! command -v pwsh >/dev/null 2>&1; then
    log "installing PowerShell 7.6.9 as a dotnet tool"
    dotnet tool install --global PowerShell --version 7.6.9 >/dev/null
  fi
}

ensure_pester() {
  local dest=$ROOT/.tools/Modules/Pester/5.7.1
  if [ ! -f "$dest/Pester.psd1" ]; then
    log "restoring Pester 5.7.1 from NuGet"
    dotnet restore "$ROOT/build/tools/tools.proj" --verbosity quiet >/dev/null
    mkdir -p "$dest"
    cp -r "$ROOT/.tools/packages/pester/5.7.1/tools/." "$dest/"
  fi
}

build_module() {
  log "building ($CONFIG)"
  dotnet build "$ROOT/Sebs.PowerShell.sln" -c "$CONFIG" --nologo -v quiet -clp:ErrorsOnly
  rm -rf "$OUT"
  mkdir -p "$OUT/dependencies"
  # IL only, no ReadyToRun: no module code runs during Import-Module, and PublishReadyToRun for net8.0 writes R2R 9.x
  # code that .NET 10 (pwsh 7.6) ignores; R2R for .NET 10 saved ~40 ms of a first Invoke-SebsBenchmark only (issue 15).
  dotnet publish "$ROOT/src/Sebs.Cmdlets/Sebs.Cmdlets.csproj" -c "$CONFIG" --no-build -o "$OUT" -v quiet >/dev/null
  # Platform assemblies and their SDKs go under dependencies/<Platform>/ and load in their own context.
  for proj in "$ROOT"/src/Sebs.Platforms.*/*.csproj "$ROOT"/src/Sebs.Analysis/*.csproj; do
    [ -f "$proj" ] || continue
    local name; name=$(basename "$(dirname "$proj")")
    dotnet publish "$proj" -c "$CONFIG" --no-build -o "$OUT/dependencies/${name#Sebs.}" -v quiet >/dev/null
    # Core types must come from the default context only.
    rm -f "$OUT/dependencies/${name#Sebs.}/Sebs.Core.dll" "$OUT/dependencies/${name#Sebs.}/Sebs.Core.pdb"
  done
  rm -f "$OUT"/*.deps.json
  cp "$ROOT/Sebs.psd1" "$ROOT/Sebs.psm1" "$ROOT/Sebs.Format.ps1xml" "$OUT/"
  cp -r "$ROOT/benchmarks" "$OUT/benchmarks"
  if [ -d "$ROOT/docker" ]; then cp -r "$ROOT/docker" "$OUT/docker"; fi
  mkdir -p "$OUT/en-US"
  if [ -d "$ROOT/en-US" ]; then cp -r "$ROOT/en-US/." "$OUT/en-US/"; fi
  if [ -f "$ROOT/build/New-SebsHelp.ps1" ]; then
    # MAML help from docs/en-US/*.md; syntax and parameter facts come from the built module itself.
    pwsh -NoProfile -NonInteractive -File "$ROOT/build/New-SebsHelp.ps1" -DocsPath "$ROOT/docs/en-US" \
      -OutputPath "$OUT/en-US" -ModulePath "$OUT/Sebs.psd1"
  fi
  log "module ready: $OUT"
}

run_tests() {
  local results=$ROOT/out/test-results
  rm -rf "$results"; mkdir -p "$results"
  local unit_rc=0 pester_rc=0
  log "starting test services (Docker engine + run images, S3 emulator)"
  "$ROOT/tests/infra/start-services.sh" || log "some test services did not start; the tests that need them will say so"
  log "xunit tests"
  dotnet test "$ROOT/tests/unit/Sebs.Tests.csproj" -c "$CONFIG" --no-build --nologo \
    --logger "trx;LogFileName=unit.trx" --results-directory "$results" || unit_rc=$?
  # The test-only platform the contract suite registers through the seam (tests/platforms).
  dotnet publish "$ROOT/tests/platforms/Sebs.Platforms.Loopback/Sebs.Platforms.Loopback.csproj" -c "$CONFIG" --no-build \
    -o "$ROOT/out/test-platforms/Loopback" -v quiet >/dev/null
  rm -f "$ROOT/out/test-platforms/Loopback/Sebs.Core.dll"
  log "Pester tests (fresh pwsh against $OUT)"
  pwsh -NoProfile -NonInteractive -File "$ROOT/tests/pester/Invoke-SebsTests.ps1" \
    -ModulePath "$OUT" -PesterPath "$ROOT/.tools/Modules" -ResultPath "$results/pester.json" || pester_rc=$?
  pwsh -NoProfile -NonInteractive -File "$ROOT/build/Get-TestSummary.ps1" -ResultsPath "$results"
  local summary_rc=$?
  if [ $unit_rc -ne 0 ] || [ $pester_rc -ne 0 ] || [ $summary_rc -ne 0 ]; then return 1; fi
}

ensure_pwsh
ensure_pester
build_module
case "${1:-}" in
  test) run_tests ;;
  "") ;;
  *) echo "usage: ./build.sh [test]" >&2; exit 2 ;;
esac
