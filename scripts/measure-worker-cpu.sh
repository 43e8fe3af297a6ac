#!/usr/bin/env bash
# Measures a worker's CPU under one steady load on /api/cpuTest, without and with Fleet:Local:CpuQuotaCores=0.5:
# what its WorkerGrain reports (% of the worker's allotment) next to its process's CPU time from /proc/<pid>/stat.
# Runs the explicit test WorkerCpuMeasurement (tests/FaceMask.IntegrationTests/Fleet), which scripts/test.sh skips.
# Takes about two minutes; the numbers depend on whatever else loads the machine.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

dotnet build tests/FaceMask.IntegrationTests --nologo -v quiet || exit $?
output="$(mktemp)"
trap 'rm -f "$output"' EXIT
dotnet test tests/FaceMask.IntegrationTests --no-build --nologo \
    --filter "FullyQualifiedName~FaceMask.IntegrationTests.Fleet.WorkerCpuMeasurement" \
    --logger "console;verbosity=detailed" -- xUnit.Explicit=only >"$output" 2>&1
status=$?
if [ $status -ne 0 ]; then
    tail -n 60 "$output"
    exit $status
fi
sed -n '/^ *quota /,/^ *requests:/p' "$output"
