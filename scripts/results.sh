#!/usr/bin/env bash
# Regenerates docs/results.md from the real UCSD Ped2 data: the shipped model's metrics, the
# ablation table (each row trained here) and the complexity table. Takes about an hour on 2 cores.
#   bash scripts/results.sh [--data DIR] [--ablation-epochs N] [--fresh] [--skip-ablation]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
dotnet build STADNet.Cluster.sln -c Release -nologo -v quiet
python3 scripts/results.py "$@"
