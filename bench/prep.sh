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
esac
