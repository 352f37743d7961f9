#!/usr/bin/env bash
# Synthetic CCTV-like footage: a grey walkway with two slow walkers; optionally a large bright
# object crossing fast between two frames (an injected anomaly).
#   make-walkway.sh <out.mp4> [frames=120] [anomaly-from] [anomaly-to]
set -euo pipefail
out="$1"; frames="${2:-120}"; from="${3:-}"; to="${4:-}"
fps=10; size=360x240
seconds=$(( frames / fps + 1 ))
inputs=(-f lavfi -i "color=c=0x707070:s=$size:r=$fps:d=$seconds"
        -f lavfi -i "color=c=0xd0d0d0:s=10x26:r=$fps:d=$seconds"
        -f lavfi -i "color=c=0x303030:s=10x26:r=$fps:d=$seconds")
filter="[0][1]overlay=x='40+mod(t*12\,260)':y=90[a];[a][2]overlay=x='300-mod(t*9\,250)':y=150[b]"
if [ -n "$from" ] && [ -n "$to" ]; then
  inputs+=(-f lavfi -i "color=c=white:s=60x40:r=$fps:d=$seconds")
  filter="$filter;[b][3]overlay=x='mod(t*150\,360)':y=110:enable='between(n\,$from\,$to)',format=yuv420p"
else
  filter="$filter;[b]format=yuv420p"
fi
mkdir -p "$(dirname "$out")"
ffmpeg -v error -y "${inputs[@]}" -filter_complex "$filter" -frames:v "$frames" -c:v libx264 -g 30 "$out"
