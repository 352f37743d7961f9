#!/usr/bin/env bash
# Sourced by the cluster scripts: starts redis-server and Azurite as processes in a scratch folder,
# and starts or kills silo processes. Everything started is stopped when the calling script exits.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${STADNET_WORK:-$(mktemp -d /tmp/stadnet-cluster.XXXXXX)}"
mkdir -p "$work"
silo_dll="$root/silo/bin/Release/net10.0/stadnet-silo.dll"
cli_dll="$root/client/bin/Release/net10.0/stadnet.dll"
pids=()

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

start_storage() {
  redis_port=$(free_port); blob_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" > "$work/redis.log" 2>&1 &
  pids+=($!)
  "$root/tools/azurite/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$blob_port" --location "$work/azurite" \
    --skipApiVersionCheck --loose --silent --disableTelemetry > "$work/azurite.log" 2>&1 &
  pids+=($!)
  export STADNET_REDIS="127.0.0.1:$redis_port"
  # Azurite's public development account; the key is Microsoft's published emulator key.
  export AZURITE_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
  export STADNET_BLOB_CONNECTION="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$AZURITE_KEY;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;"
  export STADNET_CLUSTER_ID="drill-$$"
  for _ in $(seq 1 60); do
    (exec 3<>"/dev/tcp/127.0.0.1/$blob_port") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$redis_port") 2>/dev/null && return 0
    sleep 0.5
  done
  echo "error: redis-server or Azurite did not start (see $work)" >&2; return 1
}

# start_silo NAME SLOTS: a silo process with its own ports; its pid lands in silo_pid_NAME.
start_silo() {
  local name=$1 slots=$2 dashboard
  dashboard=$(free_port)
  STADNET_WORKER_SLOTS=$slots STADNET_SILO_PORT=$(free_port) STADNET_GATEWAY_PORT=$(free_port) STADNET_DASHBOARD_PORT=$dashboard \
    STADNET_ADVERTISED_ADDRESS=127.0.0.1 dotnet "$silo_dll" > "$work/silo-$name.log" 2>&1 &
  local pid=$!
  pids+=($pid)
  printf -v "silo_pid_$name" '%s' "$pid"
  for _ in $(seq 1 120); do
    python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$dashboard/healthz', timeout=1)" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { echo "error: silo $name exited (see $work/silo-$name.log)" >&2; return 1; }
    sleep 0.5
  done
  echo "error: silo $name did not start" >&2; return 1
}

# Installs redis-server, Azurite and FFmpeg if missing and builds the silo and the CLI.
prepare() {
  bash "$root/scripts/install-deps.sh" > /dev/null
  dotnet build "$root/client/STADNet.Client.csproj" -c Release -nologo -v q > "$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
}

stadnet() { dotnet "$cli_dll" "$@"; }
