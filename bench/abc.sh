#!/usr/bin/env bash
# A/B/reference load benchmark: two Petrel builds (e.g. before and after a
# change) and a reference server, each test run on all three back to back,
# ROUNDS times, so that drift in the machine's load hits them alike. Prints
# per-round requests/s and CPU-µs per request (utime+stime from /proc),
# then medians and the per-round ratios to the reference.
#
#   BASE=/tmp/petrel-old NEW=/tmp/petrel-new PREP='bench/prep.sh zset1m' \
#     RANDKEYS=1000000 ROUNDS=5 N=100000 P=1 bench/abc.sh 'ZRANK z __rand_int__|ZSCORE z __rand_int__'
#
# PREP runs once per server (with PORT set) before the rounds; the
# reference is $VALKEY_SERVER (else redis-server). Every run is bounded by
# -n requests and a timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5} N=${N:-100000} P=${P:-1} CLIENTS=${CLIENTS:-50}
REF=${VALKEY_SERVER:-$(command -v redis-server || true)}
: "${BASE:?BASE=petrel binary}" "${NEW:?NEW=petrel binary}" "${REF:?no reference server}"
freeport() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
names=(base new ref) bins=("$BASE" "$NEW" "$REF") ports=() pids=()
for i in 0 1 2; do
  p=$(freeport)
  "${bins[$i]}" --port "$p" --bind 127.0.0.1 --save '' --appendonly no >/dev/null 2>&1 &
  pids+=($!) ports+=("$p")
done
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
for p in "${ports[@]}"; do
  for _ in $(seq 50); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
  [ -z "${PREP:-}" ] || PORT=$p bash -c "$PREP"
done
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
IFS='|' read -r -a cmds <<<"${1:?commands}"
out=$(mktemp)
for r in $(seq "$ROUNDS"); do
  for t in "${!cmds[@]}"; do
    read -r -a what <<<"${cmds[$t]}"
    for i in 0 1 2; do
      b=$(ticks "${pids[$i]}")
      rps=$(timeout 600 redis-benchmark -p "${ports[$i]}" -c "$CLIENTS" -n "$N" -P "$P" -r "${RANDKEYS:-100000}" -q "${what[@]}" 2>/dev/null |
            tr '\r' '\n' | awk -F'[: ]+' '/requests per second/ {for(i=1;i<NF;i++) if($(i+1)=="requests"){print $i; exit}}')
      a=$(ticks "${pids[$i]}")
      awk -v t="$t" -v s="${names[$i]}" -v r="$rps" -v b="$b" -v a="$a" -v hz="$HZ" -v n="$N" \
        'BEGIN{printf "%s %s %s %.2f\n", t, s, r, (a-b)/hz/n*1e6}' >>"$out"
    done
  done
done
echo "# $(date -u '+%F %H:%M') $(nproc) cores; -c $CLIENTS -n $N -P $P, $ROUNDS rounds; reference: $("$REF" --version | head -1)"
for t in "${!cmds[@]}"; do
  echo "== ${cmds[$t]}"
  for s in base new ref; do
    awk -v t="$t" -v s=$s '$1==t && $2==s' "$out" | sort -k3,3n | awk -v s=$s '{r[NR]=$3} END{printf "%-4s rps median %s (min %s, max %s)", s, r[int((NR+1)/2)], r[1], r[NR]}'
    awk -v t="$t" -v s=$s '$1==t && $2==s {print $4}' "$out" | sort -n | awk '{c[NR]=$1} END{printf ", CPU-us/req median %s\n", c[int((NR+1)/2)]}'
  done
  for s in new base; do
    awk -v t="$t" -v s=$s '$1==t {if($2==s)x=$3; if($2=="ref") printf "%.2f\n", x/$3}' "$out" |
      sort -n | awk -v s=$s '{v[NR]=$1} END{printf "     %s/ref per round (sorted):", s; for(i=1;i<=NR;i++) printf " %s", v[i]; print ""}'
  done
done
rm -f "$out"
