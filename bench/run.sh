#!/usr/bin/env bash
# Load benchmark: redis-benchmark against Petrel and a reference server side
# by side in one run, same machine, same flags. Reports requests/s for each,
# the ratio Petrel/reference, and each server's CPU-seconds per million
# requests (utime+stime from /proc, read before and after each test).
#
#   bench/run.sh                       # reference: $VALKEY_SERVER, else redis-server
#   N=200000 TESTS=set,get bench/run.sh
#   MEMORY=1 bench/run.sh              # also load 1,000,000 keys and compare memory
#   TESTS= CMDS='XADD s * f v|PFCOUNT h1 h2' SETUP='PFADD h1 a|PFADD h2 b' bench/run.sh
#                                      # arbitrary commands ('|'-separated, -r RANDKEYS
#                                      # (default 100000) for __rand_int__), after SETUP
#                                      # on both servers
#   PREP='bench/prep.sh streams' ...  # a shell command run before every test on each
#                                      # server, with PORT set (data a test consumes)
#
# Every run is bounded: -n requests per test, and a timeout per invocation.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000000}
CLIENTS=${CLIENTS:-50}
TESTS=${TESTS-set,get,incr,mset}
PIPELINES=${PIPELINES:-"1 16"}
REF=${VALKEY_SERVER:-$(command -v redis-server || true)}

command -v redis-benchmark >/dev/null || { apt-get install -y redis-tools >/dev/null; }
[ -n "$REF" ] || { apt-get install -y redis-server >/dev/null; REF=$(command -v redis-server); }

freeport() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

go build -o /tmp/petrel-bench-server ./cmd/petrel-server
PP=$(freeport); RP=$(freeport)
/tmp/petrel-bench-server --port "$PP" --bind 127.0.0.1 --save '' --appendonly no >/tmp/petrel-bench.log 2>&1 &
PPID_=$!
"$REF" --port "$RP" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >/tmp/ref-bench.log 2>&1 &
RPID=$!
trap 'kill $PPID_ $RPID 2>/dev/null || true' EXIT
for p in "$PP" "$RP"; do
  for _ in $(seq 50); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
done

ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)

run() { # port pid pipeline test -> "rps cpu_s_per_million"
  local port=$1 pid=$2 p=$3 t=$4 before after rps what
  if [[ $t == cmd:* ]]; then
    read -r -a what <<<"${t#cmd:}"
    what=(-r "${RANDKEYS:-100000}" "${what[@]}")
  else
    what=(-t "$t")
  fi
  before=$(ticks "$pid")
  # The last figure is the test's own: lrange_* first print the LPUSH that
  # fills the list (whose requests the CPU figure also counts).
  rps=$(timeout 600 redis-benchmark -p "$port" -c "$CLIENTS" -n "$N" -P "$p" -q "${what[@]}" 2>/dev/null |
        tr '\r' '\n' | awk -F'[: ]+' '/requests per second/ {for(i=1;i<NF;i++) if($(i+1)=="requests") r=$i} END{print r}')
  after=$(ticks "$pid")
  awk -v b="$before" -v a="$after" -v hz="$HZ" -v n="$N" -v r="$rps" 'BEGIN{printf "%s %.3f", r, (a-b)/hz/(n/1e6)}'
}

echo "# $(date -u +%F) $(nproc) cores, $(uname -m); reference: $("$REF" --version | head -1)"
echo "# redis-benchmark -c $CLIENTS -n $N -t <test> -P <p>; servers alternate per test"
printf '%-8s %-3s %12s %12s %7s %14s %14s\n' test P petrel_rps ref_rps ratio petrel_cpu/M ref_cpu/M
IFS='|' read -r -a setup <<<"${SETUP:-}"
for c in "${setup[@]}"; do # redis-cli parses each line (quotes allowed)
  for port in "$PP" "$RP"; do printf '%s\n' "$c" | redis-cli -p "$port" >/dev/null; done
done
tests=()
for t in ${TESTS//,/ }; do tests+=("$t"); done
IFS='|' read -r -a cmds <<<"${CMDS:-}"
for c in "${cmds[@]}"; do tests+=("cmd:$c"); done
for p in $PIPELINES; do
  for t in "${tests[@]}"; do
    [ -z "${PREP:-}" ] || PORT=$PP TEST=$t bash -c "$PREP"
    read -r prps pcpu <<<"$(run "$PP" "$PPID_" "$p" "$t")"
    [ -z "${PREP:-}" ] || PORT=$RP TEST=$t bash -c "$PREP"
    read -r rrps rcpu <<<"$(run "$RP" "$RPID" "$p" "$t")"
    ratio=$(awk -v a="$prps" -v b="$rrps" 'BEGIN{printf "%.2f", (b>0)?a/b:0}')
    label=${t#cmd:}
    printf '%-8s %-3s %12s %12s %7s %14s %14s\n' "${label%% *}" "$p" "$prps" "$rrps" "$ratio" "$pcpu" "$rcpu"
  done
done

if [ "${MEMORY:-0}" = 1 ]; then
  # 1,000,000 keys key:N -> 16-byte values, loaded through redis-cli --pipe.
  KEYS=${KEYS:-1000000}
  gen() { awk -v n="$KEYS" 'BEGIN{for(i=0;i<n;i++){k="key:" i; printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$16\r\nvvvvvvvvvvvvvvvv\r\n", length(k), k}}'; }
  rss() { awk '/VmRSS/ {print $2*1024}' "/proc/$1/status"; }
  used() { redis-cli -p "$1" info memory | tr -d '\r' | awk -F: '/^used_memory:/ {print $2}'; }
  for side in petrel ref; do
    if [ $side = petrel ]; then port=$PP; pid=$PPID_; else port=$RP; pid=$RPID; fi
    redis-cli -p "$port" flushall >/dev/null
    r0=$(rss "$pid"); u0=$(used "$port")
    gen | timeout 600 redis-cli -p "$port" --pipe >/dev/null
    sleep 1
    r1=$(rss "$pid"); u1=$(used "$port")
    n=$(redis-cli -p "$port" dbsize)
    awk -v s=$side -v n="$n" -v r0="$r0" -v r1="$r1" -v u0="$u0" -v u1="$u1" 'BEGIN{printf "%-6s keys=%d used_memory/key=%.1f rss/key=%.1f (rss total %.1f MB)\n", s, n, (u1-u0)/n, (r1-r0)/n, r1/1048576}'
  done
fi
