#!/usr/bin/env bash
# Memory per key of many small collections, Petrel and a reference server
# side by side: N keys (default 100000) of 3 short elements (lists, sets,
# hashes of 3 fields, zsets of 2 members) loaded through `redis-cli --pipe`
# into a fresh server; the growth of used_memory and RSS per key.
#
#   VALKEY_SERVER=/path/to/valkey-server bench/smallmem.sh hash [list set zset]
#   N=1000000 RUNS=2 ...
#
# The baseline is read after one INFO (its first run costs the server
# memory of its own), the figure 2.3 s after the load, as bench/listmem.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
REF=${VALKEY_SERVER:?set VALKEY_SERVER to a valkey-server binary}
N=${N:-100000}
RUNS=${RUNS:-1}
[ $# -gt 0 ] || set -- list hash set zset
command -v redis-cli >/dev/null || apt-get install -y redis-tools >/dev/null

. bench/memlib.sh
gen() {
  awk -v n="$N" -v kind="$1" 'BEGIN{for(i=0;i<n;i++){k="k:" i;
    if(kind=="list") printf "*5\r\n$5\r\nRPUSH\r\n$%d\r\n%s\r\n$3\r\naaa\r\n$3\r\nbbb\r\n$3\r\nccc\r\n", length(k), k;
    if(kind=="hash") printf "*8\r\n$4\r\nHSET\r\n$%d\r\n%s\r\n$2\r\nf1\r\n$5\r\nvalue\r\n$2\r\nf2\r\n$5\r\nvalue\r\n$2\r\nf3\r\n$5\r\nvalue\r\n", length(k), k;
    if(kind=="set") printf "*5\r\n$4\r\nSADD\r\n$%d\r\n%s\r\n$3\r\naaa\r\n$3\r\nbbb\r\n$3\r\nccc\r\n", length(k), k;
    if(kind=="zset") printf "*6\r\n$4\r\nZADD\r\n$%d\r\n%s\r\n$1\r\n1\r\n$3\r\naaa\r\n$1\r\n2\r\n$3\r\nbbb\r\n", length(k), k;
  }}'
}

build_petrel
for kind in "$@"; do
  for run in $(seq "$RUNS"); do
    for side in petrel ref; do
      start_server $side
      port=$PORT pid=$PID
      redis-cli -p "$port" info memory >/dev/null
      sleep 2
      u0=$(used "$port"); r0=$(rss $pid)
      gen "$kind" | timeout 120 redis-cli -p "$port" --pipe >/dev/null
      sleep 2.3
      r1=$(rss $pid); u1=$(used "$port"); n=$(redis-cli -p "$port" dbsize)
      awk -v s=$side -v k="$kind" -v n="$n" -v r0="$r0" -v r1="$r1" -v u0="$u0" -v u1="$u1" \
        'BEGIN{printf "%-6s %-4s keys=%d used/key=%.1f rss/key=%.1f\n", s, k, n, (u1-u0)/n, (r1-r0)/n}'
      kill $pid; wait $pid 2>/dev/null || true
    done
  done
done
