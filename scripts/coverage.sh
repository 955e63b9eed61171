#!/usr/bin/env bash
# Prints the total Go coverage of a profile and fails under the minimum.
set -euo pipefail
profile=${1:-coverage.out}
min=${2:-80}
total=$(go tool cover -func="$profile" | awk '/^total:/ {gsub("%", "", $3); print $3}')
echo "total Go coverage: ${total}% (minimum ${min}%)"
awk -v t="$total" -v m="$min" 'BEGIN { exit (t + 0 >= m + 0) ? 0 : 1 }' || {
  echo "coverage ${total}% is under ${min}%" >&2
  exit 1
}
