#!/usr/bin/env bash
# Consumer-group throughput side by side: bench/streamload (50 connections,
# each repeating XREADGROUP GROUP g c<i> COUNT 1 STREAMS s > then XACK of
# the ID read) against Petrel and a reference server, the same flags as
# bench/run.sh. Before every round each server gets the stream s with
# PAIRS entries and the group g at 0 (bench/prep.sh streams); the servers
# alternate. Prints pairs/s, the ratio Petrel/reference and each server's
# CPU-seconds per million pairs.
#
#   bench/streams.sh                   # reference: $VALKEY_SERVER, else redis-server
#   PAIRS=200000 ROUNDS=3 CLIENTS=50 bench/streams.sh
#   PETREL_BIN=/tmp/petrel bench/streams.sh   # a prebuilt Petrel
#
# Every run is bounded: PAIRS pairs per round, ROUNDS rounds, a timeout each.
set -euo pipefail
cd "$(dirname "$0")/.."

PAIRS=${PAIRS:-200000}
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-50}
REF=${VALKEY_SERVER:-$(command -v redis-server || true)}
[ -n "$REF" ] || { echo "set VALKEY_SERVER" >&2; exit 1; }

freeport() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

PETREL=${PETREL_BIN:-}
if [ -z "$PETREL" ]; then
  go build -o /tmp/petrel-bench-server ./cmd/petrel-server
  PETREL=/tmp/petrel-bench-server
fi
go build -o /tmp/petrel-streamload ./bench/streamload
PP=$(freeport); RP=$(freeport)
"$PETREL" --port "$PP" --bind 127.0.0.1 --save '' --appendonly no >/tmp/petrel-streams.log 2>&1 &
PPID_=$!
"$REF" --port "$RP" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >/tmp/ref-streams.log 2>&1 &
RPID=$!
trap 'kill $PPID_ $RPID 2>/dev/null || true' EXIT
for p in "$PP" "$RP"; do
  for _ in $(seq 50); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
done

run() { # port pid -> "pairs_per_s cpu_s_per_million"
  PORT=$1 TEST=XREADGROUP N=$PAIRS bench/prep.sh streams
  timeout 600 /tmp/petrel-streamload -addr "127.0.0.1:$1" -pid "$2" -clients "$CLIENTS" -pairs "$PAIRS"
}

echo "# $(date -u +%F) $(nproc) cores, $(uname -m); reference: $("$REF" --version | head -1)"
echo "# bench/streamload -clients $CLIENTS -pairs $PAIRS (XREADGROUP COUNT 1 + XACK); servers alternate per round"
printf '%-6s %14s %14s %7s %14s %14s\n' round petrel_pairs/s ref_pairs/s ratio petrel_cpu/M ref_cpu/M
for r in $(seq "$ROUNDS"); do
  read -r prps pcpu <<<"$(run "$PP" "$PPID_")"
  read -r rrps rcpu <<<"$(run "$RP" "$RPID")"
  ratio=$(awk -v a="$prps" -v b="$rrps" 'BEGIN{printf "%.2f", (b>0)?a/b:0}')
  printf '%-6s %14s %14s %7s %14s %14s\n' "$r" "$prps" "$rrps" "$ratio" "$pcpu" "$rcpu"
done
