#!/usr/bin/env bash
# Starts what the function-server tests need and writes out/services.env:
#   - Docker: installs docker.io + debootstrap if missing, starts dockerd (no bridge, no iptables) if no daemon
#     answers, builds the offline run images (docker/offline/build-run-images.sh);
#   - s3rver@3.7.1 (npm, installed into .tools/npm) on 127.0.0.1:<free port> with a temp directory;
#   - dynalite@4.0.0 (npm, DynamoDB API, in memory) on 127.0.0.1:<free port>, for the NoSQL shims;
#   - azurite@3.37.0 (npm, Azure Blob) on 127.0.0.1:<free port> with the Azure tests' accounts, and @azure/storage-blob
#     for the Azure Node.js shim (.tools/npm-azure-sdk).
#   - Debian's docker-registry on 127.0.0.1:<free port>, the registry behind the fake ECR (SEBS_TEST_REGISTRY).
# Idempotent: services recorded in out/*.pid that still answer are reused. tests/infra/stop-services.sh stops them.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=$ROOT/out
mkdir -p "$OUT"
log() { printf '[services] %s\n' "$*" >&2; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# --- packages --------------------------------------------------------------------------------------
missing=()
[ -e /usr/lib/x86_64-linux-gnu/libfontconfig.so.1 ] || missing+=(libfontconfig1)   # SkiaSharp (charts)
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
/usr/bin/python3 -c 'import jinja2' >/dev/null 2>&1 || missing+=(python3-jinja2)   # host-side test of 110.dynamic-html
/usr/bin/python3 -c 'import boto3' >/dev/null 2>&1 || missing+=(python3-boto3)     # AWS Python shims (AwsWrappers tests)
command -v docker-registry >/dev/null || missing+=(docker-registry)                 # the local registry behind the fake ECR
# What the Python run image has (docker/offline/build-run-images.sh), for the process sandbox's virtual environments
# (--system-site-packages from /usr/bin/python3): the regression then passes the same cases in both sandboxes.
/usr/bin/python3 -c 'import PIL' >/dev/null 2>&1 || missing+=(python3-pil)
/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1 || missing+=(python3-numpy)
/usr/bin/python3 -c 'import igraph' >/dev/null 2>&1 || missing+=(python3-igraph)
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >"$OUT/apt.log" 2>&1; then
    log "apt-get failed (see $OUT/apt.log)"
  fi
fi

# --- openssh ---------------------------------------------------------------------------------------
# The remoting tests start their own sshd instances on 127.0.0.1 as stand-in load hosts (tests/infra/sshd).
if [ ! -x /usr/sbin/sshd ] || ! command -v ssh >/dev/null; then
  log "apt-get install openssh-server openssh-client"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server openssh-client; } >"$OUT/apt-openssh.log" 2>&1 ||
    log "apt-get failed (see $OUT/apt-openssh.log); the remoting tests will say sshd is missing"
fi

# --- docker ----------------------------------------------------------------------------------------
DOCKER=0
DOCKER_REASON=""
start_docker() {
  if docker info >/dev/null 2>&1; then return 0; fi
  if ! command -v dockerd >/dev/null; then DOCKER_REASON="dockerd is not installed"; return 1; fi
  if ! alive "$OUT/dockerd.pid"; then
    log "starting dockerd (log: $OUT/dockerd.log)"
    setsid dockerd --bridge=none --iptables=false --ip-masq=false >"$OUT/dockerd.log" 2>&1 < /dev/null &
    echo $! > "$OUT/dockerd.pid"
  fi
  local i
  for i in $(seq 1 60); do
    if docker info >/dev/null 2>&1; then log "dockerd answers after ${i} s"; return 0; fi
    if ! alive "$OUT/dockerd.pid"; then DOCKER_REASON="dockerd exited: $(tail -3 "$OUT/dockerd.log" | tr '\n' ' ')"; return 1; fi
    sleep 1
  done
  DOCKER_REASON="docker info did not answer within 60 s (see $OUT/dockerd.log)"
  return 1
}
if start_docker; then
  t0=$(date +%s)
  if "$ROOT/docker/offline/build-run-images.sh" >"$OUT/run-images.tags" 2>"$OUT/run-images.log"; then
    DOCKER=1
    log "run images ready in $(( $(date +%s) - t0 )) s: $(tr '\n' ' ' < "$OUT/run-images.tags")"
  else
    DOCKER_REASON="building the run images failed: $(tail -3 "$OUT/run-images.log" | tr '\n' ' ')"
  fi
fi
[ $DOCKER -eq 1 ] || log "Docker tests disabled (SEBS_TEST_DOCKER=0): $DOCKER_REASON"

# --- npm emulators --------------------------------------------------------------------------------
NPM_DIR=$ROOT/.tools/npm
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
answers() { curl -s -o /dev/null --max-time 2 "http://$1/"; }
npm_tool() {   # npm_tool <package@version> <bin>
  if [ ! -x "$NPM_DIR/node_modules/.bin/$2" ]; then
    log "npm install $1 into .tools/npm"
    mkdir -p "$NPM_DIR"
    npm install --prefix "$NPM_DIR" --no-audit --no-fund --loglevel=error "$1" >>"$OUT/npm-tools.log" 2>&1 \
      || log "npm install $1 failed (see $OUT/npm-tools.log)"
  fi
  [ -x "$NPM_DIR/node_modules/.bin/$2" ]
}
# start_service <name> <command...> ; the command gets the port as $PORT and must listen on 127.0.0.1:$PORT
start_service() {
  local name=$1; shift
  if alive "$OUT/$name.pid" && [ -f "$OUT/$name.endpoint" ] && answers "$(cat "$OUT/$name.endpoint")"; then
    log "reusing $name at $(cat "$OUT/$name.endpoint")"
    return 0
  fi
  PORT=$(free_port); export PORT
  setsid "$@" >"$OUT/$name.log" 2>&1 < /dev/null &
  echo $! > "$OUT/$name.pid"
  for _ in $(seq 1 50); do
    if answers "127.0.0.1:$PORT"; then echo "127.0.0.1:$PORT" > "$OUT/$name.endpoint"; log "$name at 127.0.0.1:$PORT"; return 0; fi
    alive "$OUT/$name.pid" || break
    sleep 0.2
  done
  log "$name did not answer (see $OUT/$name.log)"
  rm -f "$OUT/$name.endpoint"
  return 1
}
run_s3rver() {
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/sebs-s3rver.XXXXXX")
  echo "$dir" > "$OUT/s3rver.dir"
  # s3rver's ListObjectsV2 continuation tokens use a cipher that OpenSSL 3 only has in its legacy provider.
  NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--openssl-legacy-provider" \
    exec "$NPM_DIR/node_modules/.bin/s3rver" --directory "$dir" --address 127.0.0.1 --port "$PORT"
}
run_dynalite() { exec "$NPM_DIR/node_modules/.bin/dynalite" --host 127.0.0.1 --port "$PORT"; }
# Azure Blob: azurite with the emulator's account plus the accounts the Azure tests' storage accounts are named after
# (tests/pester/Azure.Tests.ps1: resources_id azpester -> account sebsazpester; the contract case: azcontract); one fixed test key for those.
AZURITE_TEST_KEY=$(printf 'sebs-azurite-test-account-key-01' | base64)
run_azurite() {
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/sebs-azurite.XXXXXX")
  echo "$dir" > "$OUT/azurite.dir"
  AZURITE_ACCOUNTS="devstoreaccount1:Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;sebsazpester:$AZURITE_TEST_KEY;sebsazpester2:$AZURITE_TEST_KEY;sebsazcontract:$AZURITE_TEST_KEY" \
    exec "$NPM_DIR/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$PORT" --location "$dir" --skipApiVersionCheck --loose --silent
}
export AZURITE_TEST_KEY
# Debian's docker-registry (Distribution v2) on 127.0.0.1: the registry the fake ECR hands out (Docker pushes to
# 127.0.0.0/8 over plain HTTP without further set-up).
run_registry() {
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/sebs-registry.XXXXXX")
  printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:%s\n' "$dir" "$PORT" > "$dir.yml"
  exec docker-registry serve "$dir.yml"
}
export -f run_s3rver run_dynalite run_azurite run_registry
export NPM_DIR OUT

ENDPOINT=""
if npm_tool s3rver@3.7.1 s3rver && start_service s3rver bash -c run_s3rver; then
  ENDPOINT=$(cat "$OUT/s3rver.endpoint")
fi
# The AWS SDK v3 clients that Lambda's Node.js runtimes ship; the AWS Node shims are tested with them (NODE_PATH).
AWS_SDK_DIR=$ROOT/.tools/npm-aws-sdk
if [ ! -d "$AWS_SDK_DIR/node_modules/@aws-sdk/lib-dynamodb" ]; then
  log "npm install @aws-sdk/client-s3 @aws-sdk/client-dynamodb @aws-sdk/lib-dynamodb into .tools/npm-aws-sdk"
  mkdir -p "$AWS_SDK_DIR"
  npm install --prefix "$AWS_SDK_DIR" --no-audit --no-fund --loglevel=error \
    @aws-sdk/client-s3@3.1175.0 @aws-sdk/client-dynamodb@3.1169.0 @aws-sdk/lib-dynamodb@3.1169.0 >>"$OUT/npm-tools.log" 2>&1 \
    || log "npm install of the AWS SDK failed (see $OUT/npm-tools.log)"
fi
DYNAMO=""
if npm_tool dynalite@4.0.0 dynalite && start_service dynalite bash -c run_dynalite; then
  DYNAMO=$(cat "$OUT/dynalite.endpoint")
fi

AZURITE=""
if npm_tool azurite@3.37.0 azurite-blob && start_service azurite bash -c run_azurite; then
  AZURITE=$(cat "$OUT/azurite.endpoint")
fi
# The Azure Node.js storage shim uses @azure/storage-blob (bundled with the app on Azure; NODE_PATH in the fake).
AZURE_SDK_DIR=$ROOT/.tools/npm-azure-sdk
if [ ! -d "$AZURE_SDK_DIR/node_modules/@azure/storage-blob" ]; then
  log "npm install @azure/storage-blob into .tools/npm-azure-sdk"
  mkdir -p "$AZURE_SDK_DIR"
  npm install --prefix "$AZURE_SDK_DIR" --no-audit --no-fund --loglevel=error @azure/storage-blob@12 >>"$OUT/npm-tools.log" 2>&1 \
    || log "npm install of @azure/storage-blob failed (see $OUT/npm-tools.log)"
fi

REGISTRY=""
if command -v docker-registry >/dev/null && start_service registry bash -c run_registry; then
  REGISTRY=$(cat "$OUT/registry.endpoint")
fi

{
  [ -n "$AZURITE" ] && printf 'SEBS_TEST_AZURITE_ENDPOINT=%s\nSEBS_TEST_AZURITE_KEY=%s\n' "$AZURITE" "$AZURITE_TEST_KEY"
  [ -n "$REGISTRY" ] && printf 'SEBS_TEST_REGISTRY=%s\n' "$REGISTRY"
  [ -n "$ENDPOINT" ] && printf 'SEBS_TEST_S3_ENDPOINT=%s\nSEBS_TEST_S3_ACCESS_KEY=S3RVER\nSEBS_TEST_S3_SECRET_KEY=S3RVER\n' "$ENDPOINT"
  [ -n "$DYNAMO" ] && printf 'SEBS_TEST_DYNAMODB_ENDPOINT=%s\n' "$DYNAMO"
  printf 'SEBS_TEST_DOCKER=%s\n' "$DOCKER"
} > "$OUT/services.env"
log "wrote $OUT/services.env"
cat "$OUT/services.env"
[ -n "$ENDPOINT" ]
