#!/usr/bin/env bash
# Smoke test of a built bundle, headless: it starts, its doctor runs, it scans its own sample
# folder, the window opens offscreen on that sample, and a one-trial search trains and exports.
#
#   packaging/smoke.sh [BUNDLE_DIR]     # default dist/tunestudio (what `make package` builds)
#
# Prints each step with its time; exits non-zero at the first step that fails.
set -euo pipefail
bundle="${1:-dist/tunestudio}"
exe="$bundle/tunestudio"
[ -x "$exe" ] || { echo "smoke: no bundle at $exe (run make package)" >&2; exit 2; }

work="$(mktemp -d -t tunestudio-smoke-XXXXXX)"
trap 'rm -rf "$work"' EXIT
export TUNESTUDIO_HOME="$work/home" QT_QPA_PLATFORM=offscreen TF_CPP_MIN_LOG_LEVEL=2

step() {  # step NAME COMMAND...: run it, show its time, keep its output in $work/NAME.out/.err
    local name="$1"; shift
    local start=$SECONDS
    if "$@" >"$work/$name.out" 2>"$work/$name.err"; then
        echo "ok    $name ($((SECONDS - start)) s)"
    else
        echo "FAIL  $name ($((SECONDS - start)) s): exit $?"; tail -20 "$work/$name.out" "$work/$name.err"; exit 1
    fi
}
expect() {  # expect NAME TEXT: the step's stdout holds TEXT
    grep -qF -- "$2" "$work/$1.out" || { echo "FAIL  $1: no '$2' in its output"; tail -20 "$work/$1.out"; exit 1; }
}

sample="$bundle/_internal/app/resources/sample-flowers"
[ -d "$sample" ] || sample="$(find "$bundle" -type d -name sample-flowers | head -1)"
[ -n "$sample" ] || { echo "FAIL  the bundle has no sample-flowers folder"; exit 1; }

step version "$exe" --version
expect version "TuneStudio "
# Doctor exits 1 when a check fails; offscreen with a writable home nothing should.
step doctor "$exe" doctor --json --skip-tensorflow
expect doctor '"ok": true'
step scan "$exe" scan "$sample" --json
expect scan '"image_count": 80'

# The window: it opens the bundled sample on first start; alive after 25 s and no traceback.
start=$SECONDS
"$exe" >"$work/window.out" 2>"$work/window.err" &
pid=$!
sleep 25
if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid" || true
    echo "FAIL  window: exited within 25 s"; tail -20 "$work/window.err"; exit 1
fi
kill "$pid"; wait "$pid" 2>/dev/null || true
if grep -q "Traceback" "$work/window.err"; then echo "FAIL  window: traceback"; cat "$work/window.err"; exit 1; fi
echo "ok    window (stayed up $((SECONDS - start)) s offscreen, no traceback)"

# A real search in the bundle's training child, and an export that checks itself.
step search "$exe" search "$sample" --arch mlp --max-trials 1 --epochs 1 --image-size 32 --batch-size 16 \
    --seed 1 --json --export "$work/export"
expect search '"status": "completed"'
[ -f "$work/export/saved_model/saved_model.pb" ] || { echo "FAIL  search: no saved_model in the export"; exit 1; }
echo "ok    export ($(du -sh "$work/export" | cut -f1))"
echo "smoke test passed: $(du -sh "$bundle" | cut -f1) bundle at $bundle"
