#!/usr/bin/env bash
# Runs the suites whose clock is the machine's (everything on the time-skipping server starts at the
# real "now") at fixed fake moments, so a result never depends on the weekday or hour CI happens to
# run on. Debian's faketime (libfaketime) sets the clock of the whole process tree: node, the Java
# test server and PostgreSQL. Usage: scripts/test-any-date.sh ['YYYY-MM-DD HH:MM' (JST) …]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v faketime >/dev/null || { echo "faketime is missing: apt-get install faketime" >&2; exit 1; }

# Default moments, JST: just before Thursday processing (10:00); the last minute of a Wednesday (the
# day before it); the last minutes of a year (a date that rolls over month and year mid-run).
moments=("$@")
[ ${#moments[@]} -gt 0 ] || moments=('2026-12-03 09:59' '2026-12-02 23:59' '2026-12-31 23:58')
suites=(test/domain test/workflows test/simulator test/api test/ops test/temporal-time-skipping.test.ts)

failed=0
for jst in "${moments[@]}"; do
  utc=$(TZ=UTC date -d "TZ=\"Asia/Tokyo\" $jst" '+%Y-%m-%d %H:%M:%S')
  printf '\n== at %s JST (%s UTC): %s\n' "$jst" "$utc" "${suites[*]}"
  faketime "$utc" npx jest "${suites[@]}" || failed=$((failed + 1))
done
[ "$failed" = 0 ] || { echo "failed at $failed of ${#moments[@]} moments" >&2; exit 1; }
