#!/usr/bin/env bash
# Regenerates the README's screenshots (docs/images/*.png) with the real GUI on
# a virtual X server (Xvfb):
#   dashboard.png  the diurnal chat endpoint under the HPA autoscaler (12 h)
#   compare.png    the same endpoint, HPA against static peak provisioning
#   editor.png     the scenario editor with its knob form
#   topology.png   the cluster's GPUs coloured by state
#
#   tools/make_screenshots.sh [build-dir]      (after `make build`)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
gui="$build/bin/leptonsim-gui"
cli="$build/bin/leptonsim"
[ -x "$gui" ] && [ -x "$cli" ] || { echo "no $gui or $cli: run 'make build' first" >&2; exit 2; }
out=docs/images
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

shoot() { xvfb-run -a -s "-screen 0 1920x1200x24" "$gui" --simulator "$cli" --size 1600x1000 "$@"; }

"$cli" run scenarios/diurnal-chat-hpa.yaml --set duration=12h -o "$work/hpa.db" -q --progress none
"$cli" run scenarios/diurnal-chat-hpa.yaml --set duration=12h --set 'services[0].autoscaler={policy: static}' \
  --set 'services[0].replicas=21' -o "$work/static-peak.db" -q --progress none

shoot "$work/hpa.db" --tab dashboard --screenshot "$out/dashboard.png"
shoot "$work/hpa.db" "$work/static-peak.db" --compare 2 --tab compare --screenshot "$out/compare.png"
shoot scenarios/diurnal-chat-hpa.yaml --tab scenario --screenshot "$out/editor.png"
shoot "$work/hpa.db" --tab topology --time 37800 --screenshot "$out/topology.png"
echo "screenshots written to $out/"
