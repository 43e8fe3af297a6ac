#!/usr/bin/env bash
# Runs every test of the solution and ends with one line: "N passed, M failed".
# Usage: scripts/test.sh [extra dotnet test arguments]
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [ ! -f ../shared/models/face_mask_detection.onnx ] && [ ! -f models/face_mask_detection.onnx ]; then
    echo "The model is missing: put face_mask_detection.onnx in models/ or ../shared/models/ (see README)." >&2
    exit 2
fi

# The MySQL and S3 tests read FACEMASK_TEST_* (scripts/test-services.sh). When they are not set, start the
# services here and stop them at the end; .ci/run starts them itself.
if [ -z "${FACEMASK_TEST_MYSQL:-}" ] || [ -z "${FACEMASK_TEST_S3_URL:-}" ]; then
    if services_env="$(bash scripts/test-services.sh start)"; then
        eval "$services_env"
        trap 'bash scripts/test-services.sh stop >/dev/null 2>&1' EXIT
    else
        echo "The test services did not start: the MySQL and S3 tests will fail." >&2
    fi
fi

# The browser tests drive Debian's chromium (installed here when missing; quick when present).
if ! bash scripts/install-browser.sh >&2; then
    echo "chromium could not be installed: the browser tests will fail." >&2
fi

results="$root/TestResults"
rm -rf "$results"

dotnet build FaceMask.sln --nologo -v quiet
build=$?
if [ $build -ne 0 ]; then
    echo "0 passed, 1 failed"
    exit $build
fi

dotnet test FaceMask.sln --no-build --nologo \
    --logger "trx" --logger "console;verbosity=normal" \
    --results-directory "$results" \
    --blame-hang-timeout 10m "$@"
status=$?

# Sum the counters of every project's TRX report.
passed=0
failed=0
shopt -s nullglob
for trx in "$results"/*.trx; do
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
    p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
    f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
    e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
    t=$(sed -n 's/.* timeout="\([0-9]*\)".*/\1/p' <<<"$counters")
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0}))
done
if [ $status -ne 0 ] && [ $failed -eq 0 ]; then
    failed=1   # the runner failed without reporting a failed test (crash, hang): never report green
fi

echo "$passed passed, $failed failed"
exit $status
