#!/usr/bin/env bash
# Takes a new Flinks spec for the scheduled workflow (workflows/update-spec.yml),
# or by hand:   .github/update-spec.sh [SRC]
# SRC is a file, - or an https URL; without it, the canonical page recorded in
# cmd/specsync. It builds specsync and runs it directly, because go run and
# make would turn its exit code (0 applied or unchanged, 1 invalid or failed,
# 2 usage, 3 breaking refused) into their own. It writes the report to
# $REPORT (default spec-report.md) and, when $GITHUB_OUTPUT is set, the step
# outputs changed (true when openapi.yaml, api/, internal/fakeapi/ and CHANGELOG.md
# were replaced), breaking
# (true when the report suggests a major bump), bump and exit.
# Extra specsync flags go in $SPECSYNC_FLAGS (e.g. -fail-on-breaking).
set -uo pipefail
cd "$(dirname "$0")/.."

report=${REPORT:-spec-report.md}
bindir=$(mktemp -d)
trap 'rm -rf "$bindir"' EXIT
if ! go build -o "$bindir/specsync" ./cmd/specsync; then
	echo "update-spec: cannot build cmd/specsync" >&2
	exit 1
fi

# shellcheck disable=SC2086 # SPECSYNC_FLAGS is a list of flags
"$bindir/specsync" ${SPECSYNC_FLAGS:-} "$@" >"$report"
code=$?
cat "$report"

changed=false
if grep -q '^Applied: ' "$report"; then changed=true; fi
bump=$(sed -n 's/^Suggested version bump: \([a-z]*\).*/\1/p' "$report")
breaking=false
if [ "$bump" = major ]; then breaking=true; fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
	{
		echo "changed=$changed"
		echo "breaking=$breaking"
		echo "bump=${bump:-none}"
		echo "exit=$code"
	} >>"$GITHUB_OUTPUT"
fi
exit "$code"
