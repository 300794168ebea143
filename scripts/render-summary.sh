#!/usr/bin/env bash
# Renders an output folder's summary.html in headless Chromium, to look at before it is sent:
#   <folder>/render/screen.png   laptop width (1280 px), the whole page
#   <folder>/render/summary.pdf  printed, A4 portrait (the page's @page rule)
#   <folder>/render/page-N.png   each printed page, for checking that no chart is cut across pages
# Also checks that the page has no script or external URL and is under 1 MB.
# Usage: scripts/render-summary.sh output/2026-03
# Prints the page count (pdfinfo) and warns above the pack's four pages.
# Needs: chromium, pdftoppm and pdfinfo (apt-get install -y chromium poppler-utils).
set -euo pipefail
dir="${1:?usage: $0 OUTPUT_FOLDER (the one holding summary.html)}"
html="$(cd "$dir" && pwd)/summary.html"
[ -f "$html" ] || { echo "no summary.html in $dir" >&2; exit 2; }
out="$(cd "$dir" && pwd)/render"
mkdir -p "$out"

size=$(wc -c <"$html")
[ "$size" -lt 1000000 ] || { echo "summary.html is $size bytes (limit 1 MB)" >&2; exit 1; }
if grep -qiE '<script|https?://|<link|@import|url\(' "$html"; then
  echo "summary.html has a script or an external reference:" >&2
  grep -noiE '<script|https?://|<link|@import|url\(' "$html" | head >&2; exit 1
fi

if ! command -v chromium >/dev/null 2>&1; then
  echo "checked $html ($size bytes, self-contained); chromium is not installed, so nothing was rendered (apt-get install -y chromium poppler-utils)"
  exit 0
fi
chrome=(chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run
        --disable-extensions --disable-background-networking --user-data-dir="$(mktemp -d)")
"${chrome[@]}" --window-size=1280,7000 --screenshot="$out/screen.png" "file://$html" 2>/dev/null
"${chrome[@]}" --no-pdf-header-footer --print-to-pdf="$out/summary.pdf" "file://$html" 2>/dev/null
rm -f "$out"/page-*.png
pdftoppm -r 60 -png "$out/summary.pdf" "$out/page"
if command -v pdfinfo >/dev/null 2>&1; then
  pages=$(pdfinfo "$out/summary.pdf" | awk '/^Pages:/ {print $2}')
else
  pages=$(ls "$out"/page-*.png | wc -l)
fi
echo "rendered $html: $size bytes, $pages A4 pages -> $out"
[ "$pages" -le 4 ] || echo "warning: the pack is meant to print on at most 4 A4 pages" >&2
