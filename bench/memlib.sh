# Shared by the memory benchmarks (bench/listmem.sh, bench/smallmem.sh):
# source it. start_server SIDE starts Petrel (petrel) or $REF (ref) on a
# free loopback port with persistence off and waits for it; it sets PORT
# and PID. rss and used read a server's figures.

freeport() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
rss() { awk '/VmRSS/ {print $2*1024}' "/proc/$1/status"; }
used() { redis-cli -p "$1" info memory | tr -d '\r' | awk -F: '/^used_memory:/ {print $2}'; }

# PETREL_BIN is built once by build_petrel.
build_petrel() { PETREL_BIN=/tmp/petrel-membench; go build -o "$PETREL_BIN" ./cmd/petrel-server; }

start_server() {
  PORT=$(freeport)
  local bin=$REF
  [ "$1" = petrel ] && bin=$PETREL_BIN
  "$bin" --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no >/dev/null 2>&1 &
  PID=$!
  for _ in $(seq 50); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
}
