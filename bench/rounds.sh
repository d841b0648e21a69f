#!/usr/bin/env bash
# Runs bench/run.sh ROUNDS times (default 5) with the same environment and
# prints, per test, the median of each column over the rounds: on a shared
# machine single runs are noisy. Every round starts fresh servers.
#
#   ROUNDS=5 TESTS= PIPELINES=1 N=50000 PREP='bench/prep.sh bits' \
#     CMDS='BITCOUNT big|BITOP AND dest big big2' bench/rounds.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for r in $(seq "$ROUNDS"); do
  bench/run.sh | tee -a "$out" | sed "s/^/round $r: /" >&2
done
echo "# medians of $ROUNDS rounds (bench/run.sh; N=${N:-1000000} CLIENTS=${CLIENTS:-50})"
printf '%-8s %-3s %12s %12s %7s %14s %14s\n' test P petrel_rps ref_rps ratio petrel_cpu/M ref_cpu/M
grep -v '^#' "$out" | grep -v '^test ' | awk '
  { key = $1 " " $2; if (!(key in seen)) { seen[key] = 1; order[++n] = key }
    for (c = 3; c <= 7; c++) v[key, c, ++cnt[key, c]] = $c }
  function median(key, c,   k, i, j, t, a) {
    k = cnt[key, c]; for (i = 1; i <= k; i++) a[i] = v[key, c, i]
    for (i = 2; i <= k; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j+1] = a[j]; a[j+1] = t }
    return (k % 2) ? a[(k+1)/2] : (a[k/2] + a[k/2+1]) / 2 }
  END { for (i = 1; i <= n; i++) { split(order[i], kp, " ")
    printf "%-8s %-3s %12.0f %12.0f %7.2f %14.3f %14.3f\n", kp[1], kp[2], median(order[i],3), median(order[i],4), median(order[i],5), median(order[i],6), median(order[i],7) } }'
