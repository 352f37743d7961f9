#!/usr/bin/env bash
# Converts the original UCSD Ped2 release (TIFF frame folders + UCSDped2.m) into videos and a label file.
#   prepare.sh <UCSDped2 folder> <output folder>
set -euo pipefail
src="$1"; out="$2"
mkdir -p "$out/train" "$out/test" "$out/labels"

encode() { # <frame folder> <out.mp4>
  ffmpeg -v error -y -framerate 10 -pattern_type glob -i "$1/*.tif" \
    -c:v libx264 -pix_fmt yuv420p -crf 16 -g 30 "$2"
}

for split in Train Test; do
  lower=$(tr '[:upper:]' '[:lower:]' <<<"$split")
  for dir in "$src/$split/$split"[0-9][0-9][0-9]; do
    [ -d "$dir" ] || continue
    n=$(basename "$dir" | sed -E "s/^${split}0*([0-9]+)$/\1/")
    encode "$dir" "$out/$lower/$(printf '%02d' "$n").mp4"
  done
done

# UCSDped2.m lists, per test clip, 1-based inclusive anomalous frame ranges: TestVideoFile{k}.gt_frame = [a:b, c:d];
labels="$out/labels/test_frame_labels.txt"
: > "$labels"
for video in "$out"/test/*.mp4; do
  clip=$(basename "$video" .mp4); k=$((10#$clip))
  frames=$(ls "$src/Test/Test$(printf '%03d' "$k")"/*.tif | wc -l)
  ranges=$(grep -E "TestVideoFile\{(end\+1|$k)\}\.gt_frame" "$src/Test/UCSDped2.m" | sed -n "${k}p" | sed -E 's/.*\[(.*)\].*/\1/')
  line="$clip $frames"
  for ((f = 1; f <= frames; f++)); do
    hit=0
    for r in ${ranges//,/ }; do
      a=${r%%:*}; b=${r##*:}
      if (( f >= a && f <= b )); then hit=1; fi
    done
    line="$line $hit"
  done
  echo "$line" >> "$labels"
done
echo "wrote $out (train/, test/, labels/test_frame_labels.txt)"
