#!/usr/bin/env bash
# Regenerates the README's screenshots (docs/images/*.png) with the real GUI on
# a virtual X server: runs the quickstart scenario with two seeds through the
# GUI and saves the dashboard and the compare view, then a sweep view.
#
#   tools/make_screenshots.sh [build-dir]      (after `make build`)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
gui="$build/bin/leptonsim-gui"
cli="$build/bin/leptonsim"
[ -x "$gui" ] || { echo "no $gui: run 'make build' first" >&2; exit 2; }
out=docs/images
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

shoot() { xvfb-run -a -s "-screen 0 1920x1200x24" "$gui" --simulator "$cli" --size 1600x1000 "$@"; }

shoot scenarios/quickstart.yaml --run --seeds 2 --tab dashboard --screenshot "$out/dashboard.png"
shoot scenarios/quickstart.yaml --run --seeds 2 --compare 2 --tab compare --screenshot "$out/compare.png"
shoot scenarios/diurnal-chat-hpa.yaml --tab scenario --screenshot "$out/editor.png"
echo "screenshots in $out/"
