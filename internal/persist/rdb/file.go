package rdb

import (
	"bytes"
	"encoding/binary"
	"io"
)

// Whole-dataset files.
//
//	"VALKEY080"
//	AUX valkey-ver, redis-bits, ctime, used-mem, aof-base ...
//	per database: SELECTDB n, RESIZEDB keys expires,
//	  per key: [EXPIRETIME_MS t] [IDLE s | FREQ f] type key value
//	EOF, CRC64 of everything before it (8 bytes LE)

// FileWriter writes an RDB file to w, computing its checksum as it goes.
// Errors of w are kept and returned by Finish (and by Flush).
type FileWriter struct {
	w   io.Writer
	e   Encoder
	crc uint64
	err error
}

// NewFileWriter starts a file on w: the magic and version are written
// first. compress is rdbcompression.
func NewFileWriter(w io.Writer, compress bool) *FileWriter {
	f := &FileWriter{w: w, e: Encoder{Compress: compress, Buf: make([]byte, 0, 64<<10)}}
	f.e.Header()
	return f
}

// Encoder exposes the encoder for opcodes (Aux, SelectDB, ResizeDB...).
func (f *FileWriter) Encoder() *Encoder { return &f.e }

// Key writes one key: its expire (unix ms, -1 for none), then the value's
// type, the key and the value.
func (f *FileWriter) Key(key []byte, v *Value, expire int64) error {
	return f.KeyWithAccess(key, v, expire, -1, -1)
}

// KeyWithAccess is Key with the access clock Valkey saves under an LRU
// policy (idle seconds, IDLE opcode) or an LFU one (freq counter, FREQ
// opcode); -1 leaves each out.
func (f *FileWriter) KeyWithAccess(key []byte, v *Value, expire, idle int64, freq int) error {
	if expire >= 0 {
		f.e.Byte(OpExpireTimeMs)
		f.e.Millis(expire)
	}
	if idle >= 0 {
		f.e.Byte(OpIdle)
		f.e.Len(uint64(idle))
	}
	if freq >= 0 {
		f.e.Byte(OpFreq)
		f.e.Byte(byte(freq))
	}
	f.e.Byte(v.Type)
	f.e.String(key)
	if err := f.e.Object(v); err != nil {
		return err
	}
	if len(f.e.Buf) >= 64<<10 {
		return f.Flush()
	}
	return nil
}

// Flush writes what is buffered.
func (f *FileWriter) Flush() error {
	if f.err == nil && len(f.e.Buf) > 0 {
		f.crc = CRC64(f.crc, f.e.Buf)
		_, f.err = f.w.Write(f.e.Buf)
	}
	f.e.Buf = f.e.Buf[:0]
	return f.err
}

// Finish writes the EOF opcode and the checksum.
func (f *FileWriter) Finish() error {
	f.e.Byte(OpEOF)
	if err := f.Flush(); err != nil {
		return err
	}
	var sum [8]byte
	binary.LittleEndian.PutUint64(sum[:], f.crc)
	_, f.err = f.w.Write(sum[:])
	return f.err
}

// Record is one key read from a file.
type Record struct {
	DB     int
	Key    []byte
	Value  *Value
	Expire int64 // unix ms, -1 for none
	Idle   int64 // seconds, -1 if not given
	Freq   int   // LFU counter, -1 if not given
}

// FileHandler receives what ReadFile finds. Nil funcs are skipped.
type FileHandler struct {
	Aux      func(key, val []byte)
	ResizeDB func(db, keys, expires int)
	// Function receives a function library's code (FUNCTION RESTORE's
	// payload element).
	Function func(code []byte) error
	// Key receives each key; an error stops the load. Values Valkey would
	// skip as empty are not passed.
	Key func(r *Record) error
}

// ReadFile parses a whole RDB file. Module data cannot be loaded (error);
// the checksum is checked unless skipChecksum or it is zero (a file saved
// with rdbchecksum no); relaxed is rdb-version-check relaxed.
func ReadFile(b []byte, skipChecksum, relaxed bool, h FileHandler) error {
	ver, valkey, err := readMagic(b)
	if err != nil {
		return err
	}
	if !VersionAccepted(ver, valkey, !valkey, relaxed) {
		return ErrVersion
	}
	d := NewDecoder(b[9:])
	db := 0
	rec := Record{Expire: -1, Idle: -1, Freq: -1}
	for {
		op, err := d.Byte()
		if err != nil {
			return err
		}
		switch op {
		case OpExpireTime:
			s, err := d.Seconds()
			if err != nil {
				return err
			}
			rec.Expire = s * 1000
			continue
		case OpExpireTimeMs:
			if rec.Expire, err = d.Millis(); err != nil {
				return err
			}
			continue
		case OpFreq:
			c, err := d.Byte()
			if err != nil {
				return err
			}
			rec.Freq = int(c)
			continue
		case OpIdle:
			n, err := d.Len()
			if err != nil {
				return err
			}
			rec.Idle = int64(n & (1<<62 - 1))
			continue
		case OpEOF:
			if ver >= 5 && !skipChecksum {
				sum, err := d.take(8)
				if err != nil {
					return err
				}
				want := binary.LittleEndian.Uint64(sum)
				if want != 0 && want != CRC64(0, b[:9+d.off-8]) {
					return ErrChecksum
				}
			}
			return nil
		case OpSelectDB:
			n, err := d.Len()
			if err != nil {
				return err
			}
			if n > 1<<20 {
				return ErrCorrupt
			}
			db = int(n)
			continue
		case OpResizeDB:
			keys, err := d.Len()
			if err != nil {
				return err
			}
			exp, err := d.Len()
			if err != nil {
				return err
			}
			if h.ResizeDB != nil {
				h.ResizeDB(db, int(min(keys, 1<<40)), int(min(exp, 1<<40)))
			}
			continue
		case OpSlotInfo:
			for range 3 {
				if _, err := d.Len(); err != nil {
					return err
				}
			}
			continue
		case OpAux:
			k, err := d.String()
			if err != nil {
				return err
			}
			v, err := d.String()
			if err != nil {
				return err
			}
			if h.Aux != nil {
				h.Aux(k, v)
			}
			continue
		case OpFunction2:
			code, err := d.String()
			if err != nil {
				return err
			}
			if h.Function != nil {
				if err := h.Function(code); err != nil {
					return err
				}
			}
			continue
		case OpModuleAux, OpFunctionPre, OpSlotImport:
			return ErrModule
		}
		if !IsObjectType(op) {
			return ErrType
		}
		key, err := d.String()
		if err != nil {
			return err
		}
		v, err := d.Object(op)
		if err == ErrEmpty {
			rec = Record{Expire: -1, Idle: -1, Freq: -1}
			continue // Valkey skips empty keys with a warning
		}
		if err != nil {
			return err
		}
		rec.DB, rec.Key, rec.Value = db, key, v
		if h.Key != nil {
			if err := h.Key(&rec); err != nil {
				return err
			}
		}
		rec = Record{Expire: -1, Idle: -1, Freq: -1}
	}
}

// readMagic checks "VALKEY" or "REDIS" and returns the version after it.
func readMagic(b []byte) (ver int, valkey bool, err error) {
	var digits []byte
	switch {
	case len(b) >= 9 && bytes.HasPrefix(b, []byte("VALKEY")):
		digits, valkey = b[6:9], true
	case len(b) >= 9 && bytes.HasPrefix(b, []byte("REDIS")):
		digits = b[5:9]
	default:
		return 0, false, ErrCorrupt
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false, ErrCorrupt
		}
		ver = ver*10 + int(c-'0')
	}
	return ver, valkey, nil
}
