#!/usr/bin/env bash
# Installs what STADNet needs beyond the .NET SDK: FFmpeg (ffmpeg + ffprobe) from the distribution,
# and docker-compose, which the deployment tests use to validate docker-compose.yml offline.
set -euo pipefail

need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
command -v python3 >/dev/null 2>&1 || need+=(python3)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK is required (dotnet not on PATH)" >&2
  exit 1
fi

if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
echo "dependencies: dotnet $(dotnet --version), $(ffmpeg -version | head -n1 | cut -d' ' -f1-3)"
