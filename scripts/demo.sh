#!/usr/bin/env bash
# The main job on the embedded default: installs what is missing, builds, and scans a folder.
#   bash scripts/demo.sh [folder-of-videos] [report-folder]
# With no folder it makes a few seconds of synthetic walkway footage with an injected anomaly.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash scripts/install-deps.sh
dotnet build client/STADNet.Client.csproj -c Release -nologo -v quiet -clp:ErrorsOnly

source_dir="${1:-}"
out_dir="${2:-$root/out/reports}"
if [ -z "$source_dir" ]; then
  source_dir="$root/out/demo-footage"
  mkdir -p "$source_dir"
  bash datasets/synthetic/make-walkway.sh "$source_dir/walkway-normal.mp4" 120
  bash datasets/synthetic/make-walkway.sh "$source_dir/walkway-intruder.mp4" 120 60 85
  echo "made synthetic footage in $source_dir (walkway-intruder.mp4: a fast object in frames 60-85)"
fi

dotnet client/bin/Release/net10.0/stadnet.dll scan "$source_dir" --out "$out_dir"
echo "reports: $out_dir/<video-id>/report.json, ranked events: $out_dir/summary.json"
