#!/usr/bin/env bash
# Memory per element of a 1M-element list, Petrel and a reference server
# side by side: RPUSH of 1000 x 1000 elements through `redis-cli --pipe`
# into a fresh server, then the growth of used_memory and of the process's
# RSS, divided by the element count.
#
#   VALKEY_SERVER=/path/to/valkey-server bench/listmem.sh
#   INTS=1 ...    elements are the integers 0..999 (else "elem-NNNNNN")
#   WARM=1 ...    first push and delete a 5000-element list and read INFO
#                 once, so one-time costs (code pages, runtime structures)
#                 are out of the figure: the marginal cost per element
#   RUNS=3 ...    repeat (fresh servers each time)
#
# Both servers read the baseline 2 s after the last command, the figure
# 2.3 s after the load, so background memory return (jemalloc's decay,
# Petrel's idle release) has had the same time.
set -euo pipefail
cd "$(dirname "$0")/.."
REF=${VALKEY_SERVER:?set VALKEY_SERVER to a valkey-server binary}
RUNS=${RUNS:-1}
command -v redis-cli >/dev/null || apt-get install -y redis-tools >/dev/null

. bench/memlib.sh
gen() {
  awk -v ints="${INTS:-}" 'BEGIN{for(b=0;b<1000;b++){printf "*1002\r\n$5\r\nRPUSH\r\n$4\r\nlist\r\n";
    for(i=0;i<1000;i++){ if(ints) v=(b*1000+i)%1000; else v=sprintf("elem-%06d", b*1000+i);
      printf "$%d\r\n%s\r\n", length(v), v}}}'
}

build_petrel
for run in $(seq "$RUNS"); do
  for side in petrel ref; do
    start_server $side
    port=$PORT pid=$PID
    if [ -n "${WARM:-}" ]; then
      for _ in 1 2 3 4 5; do redis-cli -p "$port" rpush warm $(seq -f "elem-%06g" 1 1000) >/dev/null; done
      redis-cli -p "$port" del warm >/dev/null
      redis-cli -p "$port" info memory >/dev/null
    fi
    sleep 2
    u0=$(used "$port"); r0=$(rss $pid)
    gen | timeout 120 redis-cli -p "$port" --pipe >/dev/null
    sleep 2.3
    r1=$(rss $pid); u1=$(used "$port"); n=$(redis-cli -p "$port" llen list)
    awk -v s=$side -v n="$n" -v r0="$r0" -v r1="$r1" -v u0="$u0" -v u1="$u1" \
      'BEGIN{printf "%-6s elements=%d used/elem=%.2f rss/elem=%.2f\n", s, n, (u1-u0)/n, (r1-r0)/n}'
    kill $pid; wait $pid 2>/dev/null || true
  done
done
