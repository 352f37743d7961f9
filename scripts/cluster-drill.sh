#!/usr/bin/env bash
# The failure drill: two silos with one model slot each scan a blob archive submitted with --detach;
# one silo is killed with SIGKILL mid-scan; `status --json` must reach completed, the reports in blob
# storage must match an embedded scan of the same clips, and the account key must appear in no log
# or report. Usage: bash scripts/cluster-drill.sh [folder of videos] (default: the Ped2 test clips).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/cluster-env.sh"
clips="${1:-$root/../shared/datasets/ucsd-ped2/test}"
prepare
echo "scratch folder: $work"

start_storage
stadnet upload "$clips" blob://archive/drill
start_silo a 1
start_silo b 1
started=$(date +%s.%N)
stadnet scan blob://archive/drill --out blob://reports/drill --cluster "$STADNET_REDIS" --detach | tee "$work/submit.out"
job=$(tail -n1 "$work/submit.out")

killed=""
while true; do
  status=$(stadnet status "$job" --cluster "$STADNET_REDIS" --json) || status='{"state":"unreachable"}'
  echo "$status"
  if [ -z "$killed" ] && python3 -c 'import json,sys; s=json.loads(sys.argv[1]); sys.exit(0 if s.get("videosDone",0)>=1 and s["state"]=="running" else 1)' "$status"; then
    echo "killing silo b (pid $silo_pid_b) with SIGKILL"; kill -9 "$silo_pid_b"; killed=yes
  fi
  case "$status" in *'"completed"'*|*'"failed"'*) break;; esac
  sleep 2
done
elapsed=$(python3 -c "import time; print(round(time.time()-$started,1))")
[ -n "$killed" ] || { echo "error: the job ended before a silo was killed" >&2; exit 1; }
case "$status" in *'"completed"'*) ;; *) echo "error: job did not complete" >&2; exit 1;; esac

stadnet download blob://reports/drill "$work/cluster-reports" > /dev/null
stadnet scan "$clips" --out "$work/embedded-reports" > "$work/embedded.log"
python3 - "$work/cluster-reports" "$work/embedded-reports" <<'PY'
import glob, json, os, sys
def load(folder):
    out = {}
    for path in glob.glob(os.path.join(folder, "*", "report.json")):
        r = json.load(open(path))
        out[os.path.basename(r["source"])] = r
    return out
cluster, embedded = load(sys.argv[1]), load(sys.argv[2])
assert cluster.keys() == embedded.keys() and cluster, (sorted(cluster), sorted(embedded))
worst = 0.0
for name, r in embedded.items():
    c = cluster[name]
    assert c["status"] == r["status"] == "ok", (name, c["status"], r["status"])
    assert len(c["frameScores"]) == len(r["frameScores"]), name
    worst = max([worst] + [abs(a - b) for a, b in zip(c["frameScores"], r["frameScores"])])
print(f"reports: {len(cluster)} videos, cluster vs embedded frame scores differ by at most {worst:.2e}")
assert worst <= 1e-4
PY
if grep -rqF "$AZURITE_KEY" "$work"/silo-*.log "$work/submit.out" "$work/cluster-reports"; then
  echo "error: the account key appears in a log or report" >&2; exit 1
fi
echo "account key: in no silo log, client output or report"
echo "drill passed: job $job completed in ${elapsed} s with silo b killed mid-scan"
