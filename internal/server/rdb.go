package server

// The whole-dataset RDB snapshot (Valkey's rdbSaveRio / rdbLoadRio): the
// writer the replication full sync (SYNC/PSYNC) and DEBUG RELOAD use, and
// the loader. The file format is internal/persist/rdb's; the conversion of
// each value to and from its RDB model belongs to the data families
// (commands/rdbvalue.go), which install it with Registry.RDBCodec, since
// the server knows nothing of data types.
//
// Concurrency: writeRDB and loadRDB run with every shard lock held by the
// caller (keyspace.AllShards, with DB views marked Held), so the snapshot
// is a single point in time and no command interleaves. A large dataset
// therefore stalls every client while it is written: Valkey forks for
// this; a copy-on-write snapshot is future work.

import (
	"bytes"
	"errors"
	"io"
	"time"

	"petrel/internal/config"
	"petrel/internal/errs"
	"petrel/internal/keyspace"
	"petrel/internal/persist/rdb"
)

// RDBCodec converts the values of the data families to and from the RDB
// model.
type RDBCodec interface {
	// EncodeRDB returns e's value; its slices may alias the store.
	EncodeRDB(e keyspace.Entry) (rdb.Value, error)
	// DecodeRDB builds a value for the keyspace with the server's
	// encoding thresholds: type, encoding and object (a []byte for a
	// string, to be stored with SetString).
	DecodeRDB(s *Server, v *rdb.Value, now int64) (typ, enc uint8, obj any, err error)
}

// RDBCodec installs the value converter of the RDB writer and loader.
func (r *Registry) RDBCodec(c RDBCodec) { r.rdb = c }

var errNoRDBCodec = errors.New("rdb: no value codec registered")

// RDBVersionCheckRelaxed reports rdb-version-check relaxed: RDB files and
// DUMP payloads of future and foreign versions are loaded too.
func (s *Server) RDBVersionCheckRelaxed() bool {
	if s.Config == nil {
		return false
	}
	for _, kv := range s.Config.Get([]string{"rdb-version-check"}) {
		if kv[0] == "rdb-version-check" {
			return kv[1] == "relaxed"
		}
	}
	return false
}

// errDuplicateKey: a key loaded without MERGE already exists.
var errDuplicateKey = errors.New("rdb: duplicated key")

// writeRDB writes a complete RDB file of every database to w: the header,
// Valkey's aux fields, the function libraries, then per non-empty database
// SELECTDB, RESIZEDB and its keys with their expiry, then EOF and the
// CRC64. The caller holds every shard lock.
func (s *Server) writeRDB(w io.Writer) error {
	codec := s.reg.rdb
	if codec == nil {
		return errNoRDBCodec
	}
	compress := true
	if h := s.Hot(); h != nil {
		compress = h.Rdbcompression.Load()
	}
	fw := rdb.NewFileWriter(w, compress)
	e := fw.Encoder()
	e.Aux("valkey-ver", []byte(ValkeyVersion))
	e.AuxInt("redis-bits", 64)
	e.AuxInt("ctime", time.Now().Unix())
	// The Go heap only: the keyspace figure would take the shard locks we hold.
	e.AuxInt("used-mem", int64(readMemory().heapObjects))
	e.AuxInt("aof-base", 0)
	for _, lib := range s.scriptingEngine().Libraries() {
		e.Byte(rdb.OpFunction2)
		e.String(lib.Code)
	}
	// Valkey saves each key's access clock when the eviction policy uses it.
	lru, lfu := false, s.ks.LFU()
	if h := s.Hot(); h != nil {
		p := h.MaxmemoryPolicy.Load()
		lru = p == config.PolicyAllkeysLRU || p == config.PolicyVolatileLRU
	}
	now := time.Now().UnixMilli()
	for db := 0; db < s.ks.NumDBs(); db++ {
		view := s.ks.View(db, now)
		view.Held = true
		keys := s.ks.Keys(view, nil)
		if len(keys) == 0 {
			continue
		}
		expires := 0
		for _, k := range keys {
			if ent, ok := view.Peek(k); ok && ent.Expire() != 0 {
				expires++
			}
		}
		e.SelectDB(db)
		e.ResizeDB(len(keys), expires)
		for _, k := range keys {
			ent, ok := view.Peek(k)
			if !ok {
				continue
			}
			v, err := codec.EncodeRDB(ent)
			if err != nil {
				return err
			}
			exp := ent.Expire()
			if exp == 0 {
				exp = -1
			}
			idle, freq := int64(-1), -1
			if lru {
				idle = keyspace.IdleMillis(ent.LRU(), now) / 1000
			} else if lfu {
				freq = int(view.LFUFreq(ent))
			}
			if err := fw.KeyWithAccess(k, &v, exp, idle, freq); err != nil {
				return err
			}
		}
	}
	return fw.Finish()
}

// rdbLoadOptions are DEBUG RELOAD's: merge (RDBFLAGS_ALLOW_DUP) replaces
// existing keys and function libraries instead of failing on them; flushed
// tells that the dataset was emptied first, so the file's functions
// replace the current ones.
type rdbLoadOptions struct {
	merge   bool
	flushed bool
}

// loadRDB loads an RDB file from r into the keyspace, as a primary does:
// keys whose expiry passed are skipped, keys keep their TTLs (and hash
// fields theirs), and the file's function libraries replace the current
// ones. The caller holds every shard lock.
func (s *Server) loadRDB(r io.Reader) error {
	return s.loadRDBWith(r, rdbLoadOptions{flushed: true})
}

func (s *Server) loadRDBWith(r io.Reader, o rdbLoadOptions) error {
	codec := s.reg.rdb
	if codec == nil {
		return errNoRDBCodec
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	now := time.Now().UnixMilli()
	var funcs rdb.Encoder
	nfuncs := 0
	err = rdb.ReadFile(b, s.SkipChecksumValidation(), s.RDBVersionCheckRelaxed(), rdb.FileHandler{
		Function: func(code []byte) error {
			funcs.Byte(rdb.OpFunction2)
			funcs.String(code)
			nfuncs++
			return nil
		},
		Key: func(rec *rdb.Record) error {
			if rec.DB >= s.ks.NumDBs() {
				return rdb.ErrCorrupt
			}
			if rec.Expire >= 0 && rec.Expire < now {
				return nil // expired: a primary does not load it
			}
			view := s.ks.View(rec.DB, now)
			view.Held = true
			if _, exists := view.Peek(rec.Key); exists {
				if !o.merge {
					return errDuplicateKey
				}
				view.Delete(rec.Key)
			}
			typ, enc, obj, err := codec.DecodeRDB(s, rec.Value, now)
			if err != nil {
				return err
			}
			exp := max(rec.Expire, 0)
			if typ == keyspace.TypeString {
				view.SetString(rec.Key, obj.([]byte), exp, false)
			} else {
				view.SetObject(rec.Key, typ, enc, obj, exp)
			}
			if rec.Idle >= 0 || rec.Freq >= 0 {
				view.SetAccess(rec.Key, rec.Idle, int64(rec.Freq))
			}
			return nil
		},
	})
	if err != nil {
		return err
	}
	policy := 0 // scripting.RestoreAppend
	switch {
	case o.flushed:
		policy = 2 // scripting.RestoreFlush
	case o.merge:
		policy = 1 // scripting.RestoreReplace
	}
	if nfuncs == 0 && policy != 2 {
		return nil
	}
	if msg := s.scriptingEngine().FunctionRestore(rdb.DumpFooter(funcs.Buf), policy, true); msg != "" {
		return errors.New(msg)
	}
	return nil
}

// debugReload is DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: with every shard
// held, save the dataset to an RDB (kept in memory: Petrel does not write
// dump.rdb yet), empty the dataset unless NOFLUSH, and load the RDB back;
// NOSAVE loads the last one saved. MERGE lets loaded keys and libraries
// replace existing ones, without it a duplicate fails the load (after
// NOFLUSH), as Valkey.
func debugReload(c *Ctx) {
	flush, save, merge := true, true, false
	for _, opt := range c.Args[2:] {
		switch {
		case EqualFold(opt, "merge"):
			merge = true
		case EqualFold(opt, "noflush"):
			flush = false
		case EqualFold(opt, "nosave"):
			save = false
		default:
			c.Error(errs.DebugReloadOptions)
			return
		}
	}
	s := c.Srv
	var err error
	c.FlushingDBs(-1, -1, func() {
		if save {
			var buf bytes.Buffer
			if err = s.writeRDB(&buf); err != nil {
				return
			}
			s.rdbLast = buf.Bytes()
		}
		if s.rdbLast == nil {
			err = errNoRDBCodec
			return
		}
		if flush {
			s.ks.FlushAll(c.DB, false)
		}
		err = s.loadRDBWith(bytes.NewReader(s.rdbLast), rdbLoadOptions{merge: merge, flushed: flush})
	})
	if err != nil {
		s.Logf("DEBUG RELOAD: %v", err)
		c.Error(errs.DebugReloadLoad)
		return
	}
	s.Logf("DB reloaded by DEBUG RELOAD")
	c.W.OK()
}
