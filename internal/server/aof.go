package server

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"petrel/internal/keyspace"
	"petrel/internal/resp"
)

// The append-only file, Valkey 7+'s multi-part layout: in dir/appenddirname
// a base file (an RDB, aof-use-rdb-preamble), an incremental file of the
// commands written since, and a manifest naming them:
//
//	appendonly.aof.1.base.rdb
//	appendonly.aof.1.incr.aof
//	appendonly.aof.manifest   file appendonly.aof.1.base.rdb seq 1 type b
//	                          file appendonly.aof.1.incr.aof seq 1 type i
//
// The incremental file is one more consumer of the propagation stream
// (propagate.go): replState.writeLocked hands it every unit. The bytes are
// written to the file before the replies of the commands that made them
// (Client.endBatch calls aofFlush), so an acknowledged write survives a
// crash of the process; appendfsync decides when the OS is asked to make
// it durable: always (at that write), everysec (by the cron, at most once
// a second), no.
//
// A rewrite (enabling appendonly, BGREWRITEAOF) is not forked: with every
// shard locked it writes a new base from the dataset, starts a new
// incremental file, switches the manifest and deletes the old files. The
// pause is proportional to the dataset, like SYNC's snapshot; a fork-less
// background snapshot (design.md) will remove it.

type aofState struct {
	pending atomic.Bool // buf holds bytes not yet written

	mu sync.Mutex
	// Guarded by mu (writes to buf also happen under replState.mu):
	on       bool
	dir      string // the AOF directory
	name     string // appendfilename
	baseSeq  int
	incrSeq  int
	f        *os.File // the incremental file
	buf      []byte
	size     int64 // bytes in the incremental file
	baseSize int64
	dirty    bool  // written since the last fsync
	lastSync int64 // unix seconds of the last fsync
	writeErr error

	rewrites    int64
	lastRewrite int64 // seconds the last rewrite took (-1 none)
}

var errAOFOff = errors.New("AOF is not enabled")

func (s *Server) aofConfig() (dir, name string) {
	dir = s.configValue("dir", ".")
	return filepath.Join(dir, s.configValue("appenddirname", "appendonlydir")), s.configValue("appendfilename", "appendonly.aof")
}

// aofFeed appends one propagated unit to the AOF buffer. Called under
// replState.mu, so units reach the file in stream order.
func (s *Server) aofFeed(b []byte) {
	a := &s.aof
	a.mu.Lock()
	if a.on {
		a.buf = append(a.buf, b...)
		a.pending.Store(true)
	}
	a.mu.Unlock()
}

// aofFlush writes the buffered units to the incremental file (and fsyncs
// them with appendfsync always). Called before replies are written.
func (s *Server) aofFlush() {
	if !s.aof.pending.Load() {
		return
	}
	a := &s.aof
	a.mu.Lock()
	defer a.mu.Unlock()
	s.aofFlushLocked(s.fsyncPolicy() == fsyncAlways)
}

const (
	fsyncEverysec = iota // the order of config's fsyncEnum
	fsyncAlways
	fsyncNo
)

func (s *Server) fsyncPolicy() int64 {
	if h := s.Hot(); h != nil {
		return h.Appendfsync.Load()
	}
	return fsyncEverysec
}

func (s *Server) aofFlushLocked(sync bool) {
	a := &s.aof
	a.pending.Store(false)
	if a.f == nil || len(a.buf) == 0 {
		if sync && a.f != nil && a.dirty {
			s.aofSyncLocked()
		}
		return
	}
	n, err := a.f.Write(a.buf)
	a.size += int64(n)
	if err != nil {
		if a.writeErr == nil {
			s.Logf("Error writing to the AOF file: %v", err)
		}
		a.writeErr = err
		a.buf = a.buf[n:]
		a.pending.Store(true)
		return
	}
	a.writeErr = nil
	a.buf = a.buf[:0]
	a.dirty = true
	if sync {
		s.aofSyncLocked()
	}
}

func (s *Server) aofSyncLocked() {
	a := &s.aof
	if err := a.f.Sync(); err != nil {
		s.Logf("Error syncing the AOF file: %v", err)
		return
	}
	a.dirty = false
	a.lastSync = time.Now().Unix()
}

// aofCron runs from the server cron: everysec's fsync.
func (s *Server) aofCron() {
	a := &s.aof
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.on {
		return
	}
	s.aofFlushLocked(false)
	if a.dirty && s.fsyncPolicy() == fsyncEverysec && time.Now().Unix() > a.lastSync {
		s.aofSyncLocked()
	}
}

// startAOF turns appendonly on: a rewrite creates the base and the
// incremental file, and from then on the stream feeds it.
func (s *Server) startAOF() error {
	s.ks.Lock(keyspace.AllShards)
	defer s.ks.Unlock(keyspace.AllShards)
	return s.rewriteAOFLocked()
}

// stopAOF turns appendonly off: the file is flushed, synced and closed.
func (s *Server) stopAOF() {
	r := &s.repl
	r.mu.Lock()
	defer r.mu.Unlock()
	a := &s.aof
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.on {
		return
	}
	s.aofFlushLocked(true)
	_ = a.f.Close()
	a.f, a.on, a.buf = nil, false, nil
	a.pending.Store(false)
}

// rewriteAOFLocked writes a new base and starts a new incremental file.
// The caller holds every shard lock.
func (s *Server) rewriteAOFLocked() error {
	start := time.Now()
	dir, name := s.aofConfig()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	a := &s.aof
	a.mu.Lock()
	baseSeq, incrSeq := a.baseSeq, a.incrSeq
	a.mu.Unlock()
	if baseSeq == 0 { // first start: continue after any files on disk
		if m, err := readManifest(dir, name); err == nil {
			baseSeq, incrSeq = m.baseSeq, m.lastIncrSeq()
		}
	}
	baseSeq++
	incrSeq++
	baseName := fmt.Sprintf("%s.%d.base.rdb", name, baseSeq)
	incrName := fmt.Sprintf("%s.%d.incr.aof", name, incrSeq)

	var base bytes.Buffer
	if err := s.writeRDB(&base); err != nil {
		return err
	}
	if err := writeFileSync(filepath.Join(dir, baseName), base.Bytes()); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(dir, incrName), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	manifest := fmt.Sprintf("file %s seq %d type b\nfile %s seq %d type i\n", baseName, baseSeq, incrName, incrSeq)
	if err := writeFileSync(filepath.Join(dir, name+".manifest"), []byte(manifest)); err != nil {
		_ = f.Close()
		return err
	}

	// Switch the stream's AOF consumer to the new file.
	r := &s.repl
	r.mu.Lock()
	a.mu.Lock()
	old := a.f
	if old != nil {
		s.aofFlushLocked(true) // the old file's tail, for the history
	}
	oldBase, oldIncr := a.baseSeq, a.incrSeq
	a.f, a.on, a.dir, a.name = f, true, dir, name
	a.baseSeq, a.incrSeq = baseSeq, incrSeq
	a.buf, a.size, a.baseSize = a.buf[:0], 0, int64(base.Len())
	a.dirty, a.lastSync = false, time.Now().Unix()
	a.rewrites++
	a.lastRewrite = int64(time.Since(start).Seconds())
	a.mu.Unlock()
	if !r.on.Load() {
		r.start = r.offset
		r.on.Store(true)
	}
	r.db = -1 // the new file starts with a SELECT
	r.mu.Unlock()

	if old != nil {
		_ = old.Close()
	}
	if oldBase > 0 { // the previous generation is history now
		_ = os.Remove(filepath.Join(dir, fmt.Sprintf("%s.%d.base.rdb", name, oldBase)))
		_ = os.Remove(filepath.Join(dir, fmt.Sprintf("%s.%d.incr.aof", name, oldIncr)))
	}
	s.Logf("Background append only file rewriting terminated with success")
	return nil
}

func writeFileSync(path string, b []byte) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// aofManifest is a parsed manifest: the base and the incremental files in
// order.
type aofManifest struct {
	base    string
	baseSeq int
	incr    []string
	incrSeq []int
}

func (m *aofManifest) lastIncrSeq() int {
	if len(m.incrSeq) == 0 {
		return 0
	}
	return m.incrSeq[len(m.incrSeq)-1]
}

func readManifest(dir, name string) (*aofManifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, name+".manifest"))
	if err != nil {
		return nil, err
	}
	m := &aofManifest{}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Fields(line)
		var file, typ string
		seq := 0
		for i := 0; i+1 < len(f); i += 2 {
			switch f[i] {
			case "file":
				file = f[i+1]
			case "seq":
				seq, _ = strconv.Atoi(f[i+1])
			case "type":
				typ = f[i+1]
			}
		}
		if file == "" || strings.ContainsAny(file, "/\\") {
			return nil, fmt.Errorf("invalid AOF manifest line: %q", line)
		}
		switch typ {
		case "b":
			m.base, m.baseSeq = file, seq
		case "i":
			m.incr = append(m.incr, file)
			m.incrSeq = append(m.incrSeq, seq)
		case "h": // history: already superseded
		default:
			return nil, fmt.Errorf("invalid AOF manifest line: %q", line)
		}
	}
	return m, nil
}

// loadAOF loads the files the manifest names into the (empty) keyspace:
// the base (an RDB, or commands) then each incremental file's commands.
// The caller holds every shard lock. A missing manifest is errNoAOF.
func (s *Server) loadAOF() error {
	dir, name := s.aofConfig()
	m, err := readManifest(dir, name)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return errNoAOF
		}
		return err
	}
	s.repl.loading.Store(true)
	defer s.repl.loading.Store(false)
	if m.base != "" {
		if err := s.loadAOFFile(filepath.Join(dir, m.base)); err != nil {
			return err
		}
	}
	for _, f := range m.incr {
		if err := s.loadAOFFile(filepath.Join(dir, f)); err != nil {
			return err
		}
	}
	s.Logf("DB loaded from append only file")
	return nil
}

var errNoAOF = errors.New("no AOF manifest")

func (s *Server) loadAOFFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	if head, _ := br.Peek(5); string(head) == "REDIS" || string(head) == "VALKE" {
		return s.loadRDB(br)
	}
	return s.replayCommands(br, path)
}

// replayCommands runs the commands of an AOF file as a client of its own
// with every shard held. A transaction is applied at its EXEC; one cut
// short by the end of the file is dropped (aof-load-truncated), as is a
// truncated last command.
func (s *Server) replayCommands(r io.Reader, path string) error {
	rd := resp.NewReader(resp.Limits{MaxBulkLen: s.Settings().ProtoMaxBulkLen})
	cl := &Client{srv: s, sysfd: -1, authed: true, loadingAOF: true}
	cl.SetFlag(ClientPrimary, true) // obeyed as a primary is (Valkey's mustObeyClient): XADD ... LIMIT from the stream
	var w resp.Writer
	now := time.Now()
	var tx [][][]byte // queued commands of an open MULTI
	inTx := false
	eof := false
	for {
		args, err := rd.Next()
		if errors.Is(err, resp.ErrIncomplete) {
			if eof {
				if rd.Buffered() > 0 || inTx {
					s.Logf("!!! Warning: short read while loading the AOF file %s!!! (the incomplete tail is dropped)", path)
				}
				return nil
			}
			n, rerr := r.Read(rd.Space(64 << 10))
			rd.Commit(n)
			if rerr == io.EOF {
				eof = true
			} else if rerr != nil {
				return rerr
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("bad file format reading the append only file %s: %v", path, err)
		}
		switch {
		case EqualFold(args[0], "multi"):
			inTx, tx = true, tx[:0]
			continue
		case EqualFold(args[0], "exec") && inTx:
			for _, a := range tx {
				s.replayOne(cl, a, &w, now)
			}
			inTx, tx = false, tx[:0]
			continue
		}
		if !inTx {
			s.replayOne(cl, args, &w, now) // args stay valid until the next read
			continue
		}
		own := make([][]byte, len(args)) // kept past the reader's next fill
		for i, a := range args {
			own[i] = append([]byte(nil), a...)
		}
		tx = append(tx, own)
	}
}

func (s *Server) replayOne(cl *Client, args [][]byte, w *resp.Writer, now time.Time) {
	cmd := cl.lookupCommand(s.reg, args[0])
	if cmd != nil && cmd.subs != nil && len(args) >= 2 {
		cmd = cmd.lookupSub(args[1])
	}
	if cmd == nil || cmd.handler == nil {
		s.Logf("Unknown command '%s' reading the append only file", args[0])
		return
	}
	w.Buf = w.Buf[:0]
	s.callHeld(cl, cmd, args, w, now, keyspace.AllShards)
}

// cmdBgrewriteaof is BGREWRITEAOF.
func cmdBgrewriteaof(c *Ctx) {
	unlock := c.lockShards(keyspace.AllShards)
	defer unlock()
	if err := c.Srv.rewriteAOFLocked(); err != nil {
		c.W.Error("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.")
		c.Srv.Logf("AOF rewrite: %v", err)
		return
	}
	c.W.Simple("Background append only file rewriting started")
}

// debugLoadAOF is DEBUG LOADAOF: flush the AOF, empty the dataset and load
// it back from the files.
func debugLoadAOF(c *Ctx) {
	s := c.Srv
	s.aofFlush()
	var err error
	c.FlushingDBs(-1, -1, func() { // with every shard held
		view := s.ks.View(0, time.Now().UnixMilli())
		view.Held = true
		s.ks.FlushAll(view, false)
		err = s.loadAOF()
	})
	if err != nil && !errors.Is(err, errNoAOF) {
		s.Logf("AOF load: %v", err)
		c.W.Error("ERR Error trying to load the AOF files, check server logs.")
		return
	}
	s.Logf("Append Only File loaded by DEBUG LOADAOF")
	c.W.OK()
}

// loadAtStartup loads the AOF when appendonly is on, and starts it (a
// first start creates the base from the empty dataset).
func (s *Server) loadAtStartup() error {
	if s.configValue("appendonly", "no") != "yes" {
		return nil
	}
	s.ks.Lock(keyspace.AllShards)
	err := s.loadAOF()
	s.ks.Unlock(keyspace.AllShards)
	if errors.Is(err, errNoAOF) {
		return s.startAOF()
	}
	if err != nil {
		return fmt.Errorf("loading the append only file: %w", err)
	}
	return s.continueAOF()
}

// continueAOF appends to the last incremental file of the manifest just
// loaded, as Valkey does after loading.
func (s *Server) continueAOF() error {
	dir, name := s.aofConfig()
	m, err := readManifest(dir, name)
	if err != nil || len(m.incr) == 0 {
		return s.startAOF()
	}
	path := filepath.Join(dir, m.incr[len(m.incr)-1])
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	st, _ := f.Stat()
	var baseSize int64
	if m.base != "" {
		if bs, err := os.Stat(filepath.Join(dir, m.base)); err == nil {
			baseSize = bs.Size()
		}
	}
	r := &s.repl
	r.mu.Lock()
	a := &s.aof
	a.mu.Lock()
	a.f, a.on, a.dir, a.name = f, true, dir, name
	a.baseSeq, a.incrSeq = m.baseSeq, m.lastIncrSeq()
	a.size, a.baseSize = st.Size(), baseSize
	a.lastSync = time.Now().Unix()
	a.mu.Unlock()
	if !r.on.Load() {
		r.start = r.offset
		r.on.Store(true)
	}
	r.db = -1
	r.mu.Unlock()
	return nil
}

// appendonlyChanged applies CONFIG SET appendonly.
func (s *Server) appendonlyChanged(_, v string) error {
	if v == "yes" {
		if s.aofOn() {
			return nil
		}
		if err := s.startAOF(); err != nil {
			return fmt.Errorf("Unable to turn on AOF. Check server logs.")
		}
		return nil
	}
	s.stopAOF()
	return nil
}

func (s *Server) aofOn() bool {
	a := &s.aof
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.on
}

// infoAOF prints the AOF lines of INFO persistence.
func (s *Server) infoAOF(w *infoWriter) {
	a := &s.aof
	a.mu.Lock()
	on, rewrites, last := a.on, a.rewrites, a.lastRewrite
	size, baseSize, pending := a.size, a.baseSize, len(a.buf)
	werr := a.writeErr
	a.mu.Unlock()
	status := "ok"
	if werr != nil {
		status = "err"
	}
	w.int("aof_enabled", b2i(on))
	w.int("aof_rewrite_in_progress", 0)
	w.int("aof_rewrite_scheduled", 0)
	if rewrites == 0 {
		last = -1
	}
	w.int("aof_last_rewrite_time_sec", last)
	w.int("aof_current_rewrite_time_sec", -1)
	w.str("aof_last_bgrewrite_status", "ok")
	w.int("aof_rewrites", rewrites)
	w.int("aof_rewrites_consecutive_failures", 0)
	w.str("aof_last_write_status", status)
	w.int("aof_last_cow_size", 0)
	w.int("module_fork_in_progress", 0)
	w.int("module_fork_last_cow_size", 0)
	if on {
		w.int("aof_current_size", baseSize+size+int64(pending))
		w.int("aof_base_size", baseSize)
		w.int("aof_pending_rewrite", 0)
		w.int("aof_buffer_length", int64(pending))
		w.int("aof_pending_bio_fsync", 0)
		w.int("aof_delayed_fsync", 0)
	}
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
