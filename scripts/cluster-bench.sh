#!/usr/bin/env bash
# Throughput with one worker silo, then two, on the same blob archive, in one run (one model slot
# per silo). Usage: bash scripts/cluster-bench.sh [folder of videos] (default: the Ped2 test clips).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/cluster-env.sh"
clips="${1:-$root/../shared/datasets/ucsd-ped2/test}"
prepare

start_storage
stadnet upload "$clips" blob://archive/bench
bench() {
  local name=$1 started ended frames
  started=$(date +%s.%N)
  stadnet scan blob://archive/bench --out "blob://reports/$name" --cluster "$STADNET_REDIS" > "$work/$name.out"
  ended=$(date +%s.%N)
  frames=$(grep -oE ', [0-9]+ frames \(' "$work/$name.out" | tail -n1 | grep -oE '[0-9]+')
  python3 -c "print(f'$name: {$frames} frames in {$ended-$started:.1f} s = {$frames/($ended-$started):.1f} frames/s (client start and job submission included)')"
}
start_silo one 1
bench one-silo
start_silo two 1
bench two-silos
echo "cores on this machine: $(nproc); both silos share them"
