#!/usr/bin/env bash
# Cross-checks every metric table against three independent implementations of the spec
# (plain Python, written from ../shared/spec only, without reading the Swift sources):
#   dtfb.py  distance travelled (+ bands) and feedback (+ response rate)
#   att.py   attendance, attendance impact, attendance trend
#   tla.py   timeliness and activity
# Usage: scripts/crosscheck/run.sh EXTRACTS_DIR PERIOD [SUPPRESS_MAX]   (release build needed)
# Prints the differing cells, if any; exits non-zero when a table disagrees.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin="$here/../../.build/release/outcomes"
ex=$(cd "$1" && pwd); p=$2; t=${3:-5}
w=$(mktemp -d); cd "$w"
"$bin" run --extracts "$ex" --db store.db --out out --period "$p" --suppress-max "$t" --no-summary \
  --queries /nonexistent --max-reject-pct 100 --quiet || { echo "outcomes run failed"; exit 2; }
status=0
python3 "$here/dtfb.py" "$ex" "$p" dtfb --suppress-max "$t" && python3 "$here/dtfb_cmp.py" "out/$p" dtfb || status=1
python3 "$here/att.py" "$ex" "$p" "$t" att && python3 "$here/att.py" --compare att "out/$p" || status=1
python3 "$here/tla.py" "$ex" "$p" "$t" tla && python3 "$here/tla_cmp.py" "out/$p" tla || status=1
echo "crosscheck in $w: $([ $status = 0 ] && echo 'all tables agree' || echo 'DISAGREEMENTS above')"
exit $status
