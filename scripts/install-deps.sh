#!/usr/bin/env bash
# Installs what STADNet needs beyond the .NET SDK: FFmpeg (ffmpeg + ffprobe), redis-server and
# docker-compose (the deployment tests validate docker-compose.yml with it, offline) from the
# distribution, and Azurite (the Azure Storage emulator) from npm into tools/azurite/ (project-local).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
command -v python3 >/dev/null 2>&1 || need+=(python3)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# Azurite needs node and npm; Debian's nodejs/npm only when the machine has none.
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
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

# Azurite, pinned by tools/azurite/package.json (+ lockfile); its .npmrc keeps registry hosts out of the lockfile.
azurite_dir="$root/tools/azurite"
pinned="$(cd "$azurite_dir" && node -p "require('./package.json').dependencies.azurite")"
installed="$(cd "$azurite_dir" && node -p "require('./node_modules/azurite/package.json').version" 2>/dev/null || true)"
# Reinstall also when package.json moved to another version since the last install.
if [ ! -x "$azurite_dir/node_modules/.bin/azurite-blob" ] || [ "$installed" != "$pinned" ]; then
  echo "installing: azurite (npm, into tools/azurite)"
  if [ -f "$azurite_dir/package-lock.json" ]; then
    (cd "$azurite_dir" && npm ci --no-audit --no-fund --loglevel=error)
  else
    (cd "$azurite_dir" && npm install --no-audit --no-fund --loglevel=error)
  fi
fi
# Read from its package.json: starting Azurite just to print the version costs seconds.
azurite_version="$(cd "$azurite_dir" && node -p "require('./node_modules/azurite/package.json').version")"

echo "dependencies: dotnet $(dotnet --version), $(ffmpeg -version | head -n1 | cut -d' ' -f1-3)," \
  "$(redis-server --version | cut -d' ' -f1-3), azurite $azurite_version"
