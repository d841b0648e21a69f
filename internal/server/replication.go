package server

import (
	"bytes"
	"strconv"
	"time"

	"petrel/internal/errs"
	"petrel/internal/keyspace"
)

// The primary side of replication: a client that sends SYNC or PSYNC gets
// a snapshot of the dataset as an RDB payload and, from the same instant,
// the propagation stream (propagate.go). The snapshot is taken with every
// shard locked and the replica joins the stream before they are released,
// so the stream continues exactly where the snapshot ends. PSYNC always
// answers +FULLRESYNC: there is no backlog to continue from yet.
//
// A replica is a client flagged S (CLIENT LIST, type replica, its own
// client-output-buffer-limit class); the payload and the stream reach it
// through Client.Push, so a slow replica never slows the server: it is
// disconnected when its output buffer passes its limit.

func registerReplication(r *Registry) {
	r.Handle("sync", cmdSync)
	r.Handle("psync", cmdPsync)
	r.Handle("replconf", cmdReplconf)
	r.Handle("role", cmdRole)
	r.Handle("bgrewriteaof", cmdBgrewriteaof) // aof.go
}

func cmdSync(c *Ctx)  { c.Srv.attachReplica(c, false) }
func cmdPsync(c *Ctx) { c.Srv.attachReplica(c, true) }

func (s *Server) attachReplica(c *Ctx, psync bool) {
	cl := c.Client
	if cl.Flags()&ClientReplica != 0 {
		return // already fed: ignored, as Valkey
	}
	unlock := c.lockShards(keyspace.AllShards)
	defer unlock()

	var snap bytes.Buffer
	if err := s.writeRDB(&snap); err != nil { // rdb.go
		c.W.Error("ERR " + err.Error())
		return
	}
	r := &s.repl
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.on.Load() {
		r.start = r.offset
		r.on.Store(true) // from now on every change is propagated
	}
	var hdr []byte
	if psync {
		hdr = append(hdr, "+FULLRESYNC "...)
		hdr = append(hdr, s.info.replID...)
		hdr = append(hdr, ' ')
		hdr = strconv.AppendInt(hdr, r.offset, 10)
		hdr = append(hdr, "\r\n"...)
	}
	hdr = append(hdr, '$')
	hdr = strconv.AppendInt(hdr, int64(snap.Len()), 10)
	hdr = append(hdr, "\r\n"...)
	cl.SetFlag(ClientReplica, true)
	cl.Push(append(hdr, snap.Bytes()...)) // no CRLF after the payload
	rp := &replica{c: cl}
	rp.ackTime.Store(time.Now().Unix())
	if cl.replicaPort != 0 {
		rp.listeningPort = cl.replicaPort
	}
	r.replicas = append(r.replicas, rp)
	r.db = -1 // the new replica needs a SELECT before the next command
	s.Logf("Replica %s asks for synchronization", cl.addr)
}

// dropReplica takes a disconnecting client out of the stream.
func (s *Server) dropReplica(c *Client) {
	if c.Flags()&ClientReplica == 0 || c.Flags()&ClientMonitor != 0 {
		return
	}
	r := &s.repl
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, rp := range r.replicas {
		if rp.c == c {
			r.replicas = append(r.replicas[:i], r.replicas[i+1:]...)
			s.Logf("Connection with replica %s lost.", c.addr)
			return
		}
	}
}

// cmdReplconf is REPLCONF: options a replica sends during the handshake
// (listening-port, ip-address, capa, ...) and the ACKs it sends after.
func cmdReplconf(c *Ctx) {
	args := c.Args[1:]
	if len(args)%2 != 0 {
		c.Error(errs.Syntax)
		return
	}
	for i := 0; i < len(args); i += 2 {
		opt, val := args[i], args[i+1]
		switch {
		case EqualFold(opt, "listening-port"):
			port, err := strconv.Atoi(string(val))
			if err != nil || port < 0 || port > 65535 {
				c.W.Error("ERR value is not an integer or out of range")
				return
			}
			c.Client.replicaPort = port
		case EqualFold(opt, "ack"), EqualFold(opt, "fack"):
			// Sent by a replica after it applied the stream: no reply.
			if off, err := strconv.ParseInt(string(val), 10, 64); err == nil && EqualFold(opt, "ack") {
				c.Srv.replicaAck(c.Client, off)
			}
			if i+2 >= len(args) {
				return
			}
		case EqualFold(opt, "getack"):
			return // only a primary asks its replicas; a replica of ours has none to answer
		case EqualFold(opt, "ip-address"), EqualFold(opt, "capa"), EqualFold(opt, "rdb-only"),
			EqualFold(opt, "rdb-filter-only"), EqualFold(opt, "rdb-channel"), EqualFold(opt, "version"),
			EqualFold(opt, "rdb-client-id"), EqualFold(opt, "main-conn-id"):
		default:
			c.W.Error("ERR Unrecognized REPLCONF option: " + string(opt))
			return
		}
	}
	c.W.OK()
}

func (s *Server) replicaAck(c *Client, off int64) {
	r := &s.repl
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rp := range r.replicas {
		if rp.c == c {
			rp.ackOffset.Store(off)
			rp.ackTime.Store(time.Now().Unix())
		}
	}
}

// cmdRole is ROLE on a primary: its offset and each replica's address,
// listening port and acknowledged offset.
func cmdRole(c *Ctx) {
	r := &c.Srv.repl
	r.mu.Lock()
	offset := r.offset
	type row struct {
		ip, port, off string
	}
	rows := make([]row, 0, len(r.replicas))
	for _, rp := range r.replicas {
		rows = append(rows, row{rp.c.hostOnly(), strconv.Itoa(rp.listeningPort), strconv.FormatInt(rp.ackOffset.Load(), 10)})
	}
	r.mu.Unlock()
	w := c.W
	w.Array(3)
	w.Bulk([]byte("master"))
	w.Int(offset)
	w.Array(len(rows))
	for _, rw := range rows {
		w.Array(3)
		w.Bulk([]byte(rw.ip))
		w.Bulk([]byte(rw.port))
		w.Bulk([]byte(rw.off))
	}
}

// hostOnly is the client's address without its port.
func (c *Client) hostOnly() string {
	a := c.addr
	if i := lastIndexByte(a, ':'); i >= 0 {
		return a[:i]
	}
	return a
}

func lastIndexByte(s string, b byte) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == b {
			return i
		}
	}
	return -1
}

// replicationInfo is what INFO replication shows of the stream.
type replicationInfo struct {
	offset, start int64
	on            bool
	replicas      []replicaInfo
}

type replicaInfo struct {
	ip        string
	port, lag int64
	offset    int64
}

func (s *Server) replicationInfo() replicationInfo {
	r := &s.repl
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now().Unix()
	ri := replicationInfo{offset: r.offset, start: r.start, on: r.on.Load()}
	for _, rp := range r.replicas {
		ri.replicas = append(ri.replicas, replicaInfo{
			ip: rp.c.hostOnly(), port: int64(rp.listeningPort),
			offset: rp.ackOffset.Load(), lag: now - rp.ackTime.Load(),
		})
	}
	return ri
}
