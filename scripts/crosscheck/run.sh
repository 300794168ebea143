#!/usr/bin/env bash
# Cross-checks every metric table against three independent implementations of the spec
# (plain Python, written from the contract in docs/ only, without reading the Swift sources):
#   dtfb.py  distance travelled (+ bands) and feedback (+ response rate)
#   att.py   attendance, attendance impact, attendance trend
#   tla.py   timeliness and activity
# Usage: scripts/crosscheck/run.sh EXTRACTS_DIR PERIOD [SUPPRESS_MAX]   (release build needed, or
#        OUTCOMES_BIN=path/to/outcomes; ATT_BENCH=DIR and ATT_NEIGHBOURS=E06000026,E10000027 optional)
# Prints the differing cells, if any; exits non-zero when a table disagrees.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin="${OUTCOMES_BIN:-$here/../../.build/release/outcomes}"
ex=$(cd "$1" && pwd); p=$2; t=${3:-5}
w=$(mktemp -d); cd "$w"
# Benchmarks (attendance_benchmarks.csv): ATT_BENCH (default the project's benchmarks/), and
# ATT_NEIGHBOURS (comma-separated new LA codes) given to the tool as statistical_neighbours.
export ATT_BENCH=${ATT_BENCH:-$here/../../benchmarks}
cfg=()
if [ -n "${ATT_NEIGHBOURS:-}" ]; then
  echo "statistical_neighbours: [${ATT_NEIGHBOURS}]" > neighbours.yml; cfg=(--config neighbours.yml)
fi
"$bin" run --extracts "$ex" --db store.db --out out --period "$p" --suppress-max "$t" --no-summary \
  --queries /nonexistent --max-reject-pct 100 --benchmarks "$ATT_BENCH" "${cfg[@]}" --quiet || { echo "outcomes run failed"; exit 2; }
status=0
python3 "$here/dtfb.py" "$ex" "$p" dtfb --suppress-max "$t" && python3 "$here/dtfb_cmp.py" "out/$p" dtfb || status=1
python3 "$here/att.py" "$ex" "$p" "$t" att && python3 "$here/att.py" --compare att "out/$p" || status=1
python3 "$here/tla.py" "$ex" "$p" "$t" tla && python3 "$here/tla_cmp.py" "out/$p" tla || status=1
echo "crosscheck in $w: $([ $status = 0 ] && echo 'all tables agree' || echo 'DISAGREEMENTS above')"
exit $status
