#!/usr/bin/env bash
# The renderer's ground truth on the GL backend (Vulkan is the default once lavapipe exists).
# A run that aborts at exit after every test passed is run once more (.ci/retry_exit_abort.sh).
set -uo pipefail
cd "$(dirname "$0")/.."
DENO_WEBGPU_BACKEND=gl exec .ci/retry_exit_abort.sh npx deno test -A tests/render_test.ts
