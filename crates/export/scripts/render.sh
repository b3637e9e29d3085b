#!/usr/bin/env bash
# Manual check, not run by CI: look at the exported workbooks as a user does.
#
# Writes the sample exports (the vendor's completed 第3版 checklist, samples/vendor-003.answers.toml)
# to a directory, converts every workbook to PDF with LibreOffice (as printed: A4 landscape, one
# page wide) and every PDF page to a PNG to look at.
#
# Needs: apt-get install -y libreoffice-calc fonts-noto-cjk poppler-utils
# Usage: crates/export/scripts/render.sh [out-dir]   (default /tmp/sansho-export)
set -euo pipefail
out="${1:-/tmp/sansho-export}"
cd "$(dirname "$0")/../../.."
cargo run -q -p sansho-export --example sample -- "$out" >/dev/null
cd "$out"
rm -f ./*.pdf ./*.png
# A private profile, so a running LibreOffice or a stale lock does not get in the way.
soffice -env:UserInstallation="file://$out/.lo-profile" --headless --convert-to pdf ./*.xlsx >/dev/null
for pdf in ./*.pdf; do
  pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
  size=$(pdfinfo "$pdf" | awk -F': *' '/^Page size:/ {print $2}')
  echo "$out/${pdf#./}: $pages page(s), $size"
  pdftoppm -png -r 70 "$pdf" "${pdf%.pdf}"
done
ls "$out"/*.png
