#!/usr/bin/env bash
# Merges Go coverage profiles (same mode; a block's count is the sum over
# profiles), prints the total and fails under the minimum.
#   coverage.sh OUT MIN PROFILE...
set -euo pipefail
out=${1:-coverage.out}
min=${2:-80}
shift 2
if [ $# -gt 0 ]; then
  {
    head -n 1 "$1"
    for p in "$@"; do tail -n +2 "$p"; done | awk '
      { key = $1 " " $2; count[key] += $3; if (!(key in seen)) { seen[key] = 1; order[++n] = key } }
      END { for (i = 1; i <= n; i++) print order[i], count[order[i]] }'
  } > "$out"
fi
total=$(go tool cover -func="$out" | awk '/^total:/ {gsub("%", "", $3); print $3}')
echo "total Go coverage: ${total}% (minimum ${min}%)"
awk -v t="$total" -v m="$min" 'BEGIN { exit (t + 0 >= m + 0) ? 0 : 1 }' || {
  echo "coverage ${total}% is under ${min}%" >&2
  exit 1
}
