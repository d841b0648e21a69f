#!/usr/bin/env bash
# Pub/sub fan-out benchmark: one publisher, SUBS subscribers of one channel
# on loopback (bench/fanout), against Petrel and a reference server side by
# side, same flags. Reports publishes/s and delivered messages/s for each.
#
#   bench/fanout.sh                          # reference: $VALKEY_SERVER, else valkey/redis-server
#   SUBS=1000 MESSAGES=2000 SIZE=32 bench/fanout.sh
#
# Bounded: MESSAGES per run, ROUNDS runs per server, a timeout per run.
set -euo pipefail
cd "$(dirname "$0")/.."

SUBS=${SUBS:-1000}
MESSAGES=${MESSAGES:-2000}
SIZE=${SIZE:-32}
WINDOW=${WINDOW:-16}
ROUNDS=${ROUNDS:-3}
REF=${VALKEY_SERVER:-$(command -v valkey-server || command -v redis-server || true)}
[ -n "$REF" ] || { echo "set VALKEY_SERVER to a reference server binary" >&2; exit 2; }
ulimit -n $((SUBS + 1024)) 2>/dev/null || true

freeport() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

go build -o /tmp/petrel-fanout-server ./cmd/petrel-server
go build -o /tmp/petrel-fanout ./bench/fanout
PP=$(freeport); RP=$(freeport)
/tmp/petrel-fanout-server --port "$PP" --bind 127.0.0.1 --save '' --appendonly no >/tmp/petrel-fanout.log 2>&1 &
PPID_=$!
"$REF" --port "$RP" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >/tmp/ref-fanout.log 2>&1 &
RPID=$!
trap 'kill $PPID_ $RPID 2>/dev/null || true' EXIT
for p in "$PP" "$RP"; do
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/"$p") 2>/dev/null && break; sleep 0.1; done
done

echo "# $(date -u +%F) $(nproc) cores, $(uname -m); reference: $("$REF" --version | head -1)"
echo "# bench/fanout -subs $SUBS -messages $MESSAGES -size $SIZE -window $WINDOW; servers alternate per round"
for r in $(seq "$ROUNDS"); do
  for s in "petrel $PP" "ref $RP"; do
    set -- $s
    printf '%-7s round %d: ' "$1" "$r"
    timeout 300 /tmp/petrel-fanout -addr "127.0.0.1:$2" -subs "$SUBS" -messages "$MESSAGES" -size "$SIZE" -window "$WINDOW"
  done
done
