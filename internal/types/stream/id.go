package stream

import (
	"bytes"
	"encoding/binary"
	"math"
	"strconv"

	"petrel/internal/num"
)

// ID is a stream entry ID: a millisecond time and a sequence number,
// ordered as the 128-bit number ms<<64|seq.
type ID struct{ Ms, Seq uint64 }

// MinID and MaxID are the smallest and largest IDs ("-" and "+").
var (
	MinID = ID{}
	MaxID = ID{math.MaxUint64, math.MaxUint64}
)

// Compare returns -1, 0 or 1 as a is less than, equal to or greater than b.
func (a ID) Compare(b ID) int {
	switch {
	case a.Ms < b.Ms:
		return -1
	case a.Ms > b.Ms:
		return 1
	case a.Seq < b.Seq:
		return -1
	case a.Seq > b.Seq:
		return 1
	}
	return 0
}

// Less reports whether a < b.
func (a ID) Less(b ID) bool { return a.Ms < b.Ms || (a.Ms == b.Ms && a.Seq < b.Seq) }

// IsZero reports whether the ID is 0-0.
func (a ID) IsZero() bool { return a.Ms == 0 && a.Seq == 0 }

// Incr is the next ID; ok is false when a is MaxID (the result is then 0-0,
// as Valkey's streamIncrID).
func (a ID) Incr() (ID, bool) {
	switch {
	case a.Seq != math.MaxUint64:
		a.Seq++
	case a.Ms != math.MaxUint64:
		a.Ms++
		a.Seq = 0
	default:
		return ID{}, false
	}
	return a, true
}

// Decr is the previous ID; ok is false when a is 0-0 (the result is then
// MaxID, as Valkey's streamDecrID).
func (a ID) Decr() (ID, bool) {
	switch {
	case a.Seq != 0:
		a.Seq--
	case a.Ms != 0:
		a.Ms--
		a.Seq = math.MaxUint64
	default:
		return MaxID, false
	}
	return a, true
}

// Append appends the ID as "ms-seq".
func (a ID) Append(dst []byte) []byte {
	dst = strconv.AppendUint(dst, a.Ms, 10)
	dst = append(dst, '-')
	return strconv.AppendUint(dst, a.Seq, 10)
}

// String is the ID as "ms-seq".
func (a ID) String() string { return string(a.Append(nil)) }

// key is the ID as 16 big-endian bytes: the byte order of Valkey's radix
// tree keys, used to count its nodes.
func (a ID) key() [16]byte {
	var k [16]byte
	binary.BigEndian.PutUint64(k[:8], a.Ms)
	binary.BigEndian.PutUint64(k[8:], a.Seq)
	return k
}

// ParseOptions select the ID forms Parse accepts.
type ParseOptions struct {
	// Strict rejects "-" and "+".
	Strict bool
	// MissingSeq is the sequence of an ID given as "ms" alone.
	MissingSeq uint64
	// AllowSeqWildcard accepts "ms-*" (XADD): SeqGiven is false then.
	AllowSeqWildcard bool
}

// Parsed is the result of Parse.
type Parsed struct {
	ID       ID
	SeqGiven bool
}

// Parse reads an ID as Valkey's streamGenericParseIDOrReply: "-" and "+"
// (unless strict), "ms", "ms-seq" and, when allowed, "ms-*". The argument
// is read as a C string (up to its first NUL byte) of at most 127 bytes,
// and each number as strtoull reads it (string2ull): leading spaces and a
// sign are accepted, except that a canonical negative integer is refused.
func Parse(b []byte, o ParseOptions) (Parsed, bool) {
	if len(b) > 127 {
		return Parsed{}, false
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if len(b) == 1 && (b[0] == '-' || b[0] == '+') {
		if o.Strict {
			return Parsed{}, false
		}
		if b[0] == '-' {
			return Parsed{ID: MinID, SeqGiven: true}, true
		}
		return Parsed{ID: MaxID, SeqGiven: true}, true
	}
	msPart, seqPart, dash := bytes.Cut(b, []byte{'-'})
	ms, ok := parseUint(msPart)
	if !ok {
		return Parsed{}, false
	}
	p := Parsed{ID: ID{Ms: ms, Seq: o.MissingSeq}, SeqGiven: true}
	if dash {
		if o.AllowSeqWildcard && len(seqPart) == 1 && seqPart[0] == '*' {
			p.ID.Seq, p.SeqGiven = 0, false
			return p, true
		}
		if p.ID.Seq, ok = parseUint(seqPart); !ok {
			return Parsed{}, false
		}
	}
	return p, true
}

// ParseStrict is Parse for IDs where "-" and "+" are invalid.
func ParseStrict(b []byte) (ID, bool) {
	p, ok := Parse(b, ParseOptions{Strict: true})
	return p.ID, ok
}

// parseUint is Valkey's string2ull: a canonical int64 must not be
// negative; anything else is read as C's strtoull(s, &end, 10) reads it and
// must be consumed entirely.
func parseUint(s []byte) (uint64, bool) {
	if v, ok := num.ParseInt(s); ok {
		return uint64(v), v >= 0
	}
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if i == len(s) {
		return 0, false // no digits
	}
	var v uint64
	for ; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, false // ERANGE
		}
		v = v*10 + d
	}
	if neg {
		v = -v
	}
	return v, true
}

func isCSpace(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }
