#!/usr/bin/env bash
# Data for bench/run.sh's PREP hook: run before every test against each
# server (PORT and TEST set by run.sh), it (re)creates what the test
# consumes, so every server and every round starts from the same state.
#
#   streams: the stream s with N entries 0-1..0-N (default 200000) and the
#            group g at 0; for an XACK test the entries are first read by
#            consumer c, so they are all pending; for XADD s is deleted.
#   hll:     ten dense HyperLogLogs h0..h9 of 20000 elements each (once).
#   bits:    two 1 MB strings of seeded random bytes, big and big2 (once).
#   zset1m:  the sorted set z of ZSET_N members (default 1000000) named
#            like redis-benchmark's __rand_int__ (12-digit 000000000000..),
#            each with a seeded random integer score in [0, ZSET_N) (once;
#            run.sh with RANDKEYS=ZSET_N so every lookup hits a member).
set -euo pipefail
PORT=${PORT:?} TEST=${TEST:-}
cli() { redis-cli -p "$PORT" "$@"; }
case "$1" in
streams)
  cli del s >/dev/null
  case "$TEST" in *XADD*) exit 0 ;; esac
  awk -v n="${N:-200000}" 'BEGIN{for(i=1;i<=n;i++){id="0-" i; printf "*5\r\n$4\r\nXADD\r\n$1\r\ns\r\n$%d\r\n%s\r\n$1\r\nf\r\n$5\r\nvalue\r\n", length(id), id}}' |
    timeout 300 redis-cli -p "$PORT" --pipe >/dev/null
  cli xgroup create s g 0 >/dev/null
  case "$TEST" in *XACK*) cli xreadgroup group g c streams s '>' >/dev/null ;; esac
  ;;
hll)
  [ "$(cli exists h9)" = 1 ] && exit 0
  awk 'BEGIN{for(k=0;k<10;k++) for(i=0;i<20000;i+=100){printf "*102\r\n$5\r\nPFADD\r\n$2\r\nh%d\r\n", k; for(j=i;j<i+100;j++){e=k "-" j; printf "$%d\r\n%s\r\n", length(e), e}}}' |
    timeout 300 redis-cli -p "$PORT" --pipe >/dev/null
  ;;
bits)
  [ "$(cli exists big2)" = 1 ] && exit 0
  for k in big big2; do
    python3 -c "import random,sys; random.seed('$k'); sys.stdout.buffer.write(random.randbytes(1<<20))" |
      cli -x set "$k" >/dev/null
  done
  ;;
zset1m)
  n=${ZSET_N:-1000000}
  [ "$(cli zcard z)" = "$n" ] && exit 0
  cli del z >/dev/null
  awk -v n="$n" 'BEGIN{srand(42); for(i=0;i<n;i+=1000){k=(n-i<1000)?n-i:1000; printf "*%d\r\n$4\r\nZADD\r\n$1\r\nz\r\n", 2+2*k
    for(j=i;j<i+k;j++){s=int(rand()*n); printf "$%d\r\n%d\r\n$12\r\n%012d\r\n", length(s ""), s, j}}}' |
    timeout 300 redis-cli -p "$PORT" --pipe >/dev/null
  ;;
esac
