#!/usr/bin/env bash
# The renderer's ground truth on the GL backend. Mesa's GL driver under Deno's wgpu sometimes
# aborts while the process exits (glibc "corrupted size vs. prev_size", "double free"), after
# every test has passed: measured 2 in 40 runs here, never before the summary line. Such a run
# is run once more; a failing test, or a crash before the summary, fails at once.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for try in 1 2; do
  DENO_WEBGPU_BACKEND=gl npx deno test -A tests/render_test.ts 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  [ "$rc" = 0 ] && exit 0
  if [ "$try" = 1 ] && grep -q ' | 0 failed ' "$log" &&
    tail -n 1 "$log" | grep -Eq 'corrupted|double free|free\(\)|malloc'; then
    echo "GL backend aborted at exit after all tests passed (Mesa/wgpu teardown); running again"
    continue
  fi
  exit "$rc"
done
