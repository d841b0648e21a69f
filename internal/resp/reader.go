package resp

import (
	"bytes"
	"errors"

	"petrel/internal/num"
)

// Valkey's fixed protocol limits.
const (
	inlineMaxSize     = 64 * 1024 // longest inline request or length line without a newline
	initialBufSize    = 16 * 1024
	shrinkIdleAbove   = 64 * 1024 // an idle buffer larger than this is released
	unauthMaxArgs     = 10
	unauthMaxBulkLen  = 16384
	maxMultibulkCount = 1<<31 - 1
)

// ErrIncomplete means the buffer holds no complete command yet.
var ErrIncomplete = errors.New("resp: incomplete command")

// ProtocolError is a malformed request. Its text is the full error reply
// ("ERR Protocol error: ..."); the connection must be closed after it.
type ProtocolError struct{ Msg string }

func (e *ProtocolError) Error() string { return e.Msg }

func protoErr(msg string) *ProtocolError { return &ProtocolError{Msg: "ERR Protocol error: " + msg} }

// Preallocated protocol errors: they carry no per-request data.
var (
	errBigInline        = protoErr("too big inline request")
	errBigMultibulk     = protoErr("too big mbulk count string")
	errInvalidMultibulk = protoErr("invalid multibulk length")
	errUnauthMultibulk  = protoErr("unauthenticated multibulk length")
	errUnauthBulk       = protoErr("unauthenticated bulk length")
	errBigBulkCount     = protoErr("too big bulk count string")
	errInvalidBulk      = protoErr("invalid bulk length")
	errUnbalancedQuotes = protoErr("unbalanced quotes in request")
)

// Limits are the per-connection parser limits, read from the config.
type Limits struct {
	MaxBulkLen   int64 // proto-max-bulk-len
	AuthRequired bool  // the client has not authenticated: Valkey's tighter limits apply
}

// Reader parses commands incrementally from a growing buffer. A command
// that arrives in many reads is never re-parsed from its start: the reader
// remembers how many arguments it still expects and where the ones already
// seen lie.
//
// Layout of buf:
//
//	[ consumed | current command (start..pos parsed) | unparsed (pos..end) | free ]
type Reader struct {
	Limits Limits

	buf   []byte
	start int // first byte of the command being parsed
	pos   int // parse position
	end   int // end of data

	// Multibulk state of the command being parsed.
	pending int   // arguments still expected; 0 when between commands
	bulkLen int64 // length of the next argument, -1 when its header is unread
	offs    []int // start,end pairs of the arguments seen, relative to start

	args   [][]byte
	inline [][]byte
}

// NewReader returns a reader with the given limits.
func NewReader(l Limits) *Reader {
	return &Reader{Limits: l, bulkLen: -1}
}

// Space returns free space at the end of the buffer of at least min bytes,
// moving or growing the buffer as needed. Arguments returned earlier become
// invalid. After reading into it, call Commit with the count read.
func (r *Reader) Space(min int) []byte {
	if r.start == r.end && r.pending == 0 {
		// Nothing buffered: rewind, and let go of a buffer a big command grew.
		r.start, r.pos, r.end = 0, 0, 0
		if cap(r.buf) > shrinkIdleAbove {
			r.buf = nil
		}
	}
	if r.buf == nil {
		r.buf = make([]byte, max(initialBufSize, min))
	}
	if len(r.buf)-r.end >= min {
		return r.buf[r.end:]
	}
	live := r.end - r.start
	if r.start > 0 && len(r.buf)-live >= min && r.start >= live {
		// Compact: cheap because the live part is small relative to the gap.
		copy(r.buf, r.buf[r.start:r.end])
	} else {
		nb := make([]byte, max(2*len(r.buf), live+min))
		copy(nb, r.buf[r.start:r.end])
		r.buf = nb
	}
	r.pos -= r.start
	r.end = live
	r.start = 0
	return r.buf[r.end:]
}

// Commit records that n bytes were written into the slice Space returned.
func (r *Reader) Commit(n int) { r.end += n }

// Feed copies p into the buffer (for tests and fuzzing).
func (r *Reader) Feed(p []byte) {
	copy(r.Space(len(p)), p)
	r.Commit(len(p))
}

// Buffered is the number of bytes held for commands not yet returned: the
// query buffer length that client-query-buffer-limit bounds.
func (r *Reader) Buffered() int { return r.end - r.start }

// Cap is the buffer's capacity, for CLIENT LIST qbuf and memory accounting.
func (r *Reader) Cap() int { return cap(r.buf) }

// Next returns the next complete command's arguments, ErrIncomplete, or a
// *ProtocolError. Empty commands (blank inline lines, "*0") are skipped.
func (r *Reader) Next() ([][]byte, error) {
	for {
		if r.pending == 0 {
			if r.pos >= r.end {
				r.start = r.pos
				return nil, ErrIncomplete
			}
			r.start = r.pos
			if r.buf[r.pos] != '*' {
				args, err := r.parseInline()
				if err != nil || args != nil {
					return args, err
				}
				continue // blank line
			}
			n, err := r.readCount()
			if err != nil {
				return nil, err
			}
			if n <= 0 {
				continue
			}
			r.pending = int(n)
			r.bulkLen = -1
			r.offs = r.offs[:0]
		}
		if err := r.readBulks(); err != nil {
			return nil, err
		}
		// Complete: materialise the argument slices.
		r.args = r.args[:0]
		for i := 0; i < len(r.offs); i += 2 {
			a, b := r.start+r.offs[i], r.start+r.offs[i+1]
			r.args = append(r.args, r.buf[a:b:b])
		}
		r.start = r.pos
		return r.args, nil
	}
}

// shortHeader parses the "*<n>\r" or "$<n>\r" header at r.pos in the
// common case, n a plain decimal of at most 9 digits: one pass instead of a
// search for '\r' and a separate parse. It returns the offset of the '\r'
// from r.pos; ok is false for anything else (more digits, a sign, a
// leading zero, a stray byte, no '\r' yet), which the general path then
// handles, so the results are the same.
func (r *Reader) shortHeader() (n int64, cr int, ok bool) {
	first := r.pos + 1
	end := min(r.end, first+10)
	for j := first; j < end; j++ {
		c := r.buf[j]
		if '0' <= c && c <= '9' {
			n = n*10 + int64(c-'0')
			continue
		}
		if c == '\r' && j > first && (r.buf[first] != '0' || j == first+1) {
			return n, j - r.pos, true
		}
		return 0, 0, false
	}
	return 0, 0, false
}

// readCount parses the "*<n>\r\n" line of a multibulk request.
func (r *Reader) readCount() (int64, error) {
	if n, cr, ok := r.shortHeader(); ok {
		if r.pos+cr+2 > r.end { // the '\n' has not arrived
			return 0, ErrIncomplete
		}
		if n > maxMultibulkCount {
			return 0, errInvalidMultibulk
		}
		if n > unauthMaxArgs && r.Limits.AuthRequired {
			return 0, errUnauthMultibulk
		}
		r.pos += cr + 2
		return n, nil
	}
	cr := bytes.IndexByte(r.buf[r.pos:r.end], '\r')
	if cr < 0 {
		if r.end-r.pos > inlineMaxSize {
			return 0, errBigMultibulk
		}
		return 0, ErrIncomplete
	}
	if r.pos+cr+2 > r.end { // the '\n' has not arrived
		return 0, ErrIncomplete
	}
	n, ok := num.ParseInt(r.buf[r.pos+1 : r.pos+cr])
	if !ok || n > maxMultibulkCount {
		return 0, errInvalidMultibulk
	}
	if n > unauthMaxArgs && r.Limits.AuthRequired {
		return 0, errUnauthMultibulk
	}
	r.pos += cr + 2 // like Valkey, the byte after '\r' is not checked
	return n, nil
}

// readBulks reads "$<len>\r\n<data>\r\n" arguments until the command is
// complete (nil) or the data runs out (ErrIncomplete).
func (r *Reader) readBulks() error {
	for r.pending > 0 {
		if r.bulkLen < 0 {
			n, cr, ok := int64(0), 0, false
			if r.pos < r.end && r.buf[r.pos] == '$' {
				n, cr, ok = r.shortHeader()
			}
			if !ok {
				cr = bytes.IndexByte(r.buf[r.pos:r.end], '\r')
				if cr < 0 {
					if r.end-r.pos > inlineMaxSize {
						return errBigBulkCount
					}
					return ErrIncomplete
				}
			}
			if r.pos+cr+2 > r.end {
				return ErrIncomplete
			}
			if !ok {
				if c := r.buf[r.pos]; c != '$' {
					return &ProtocolError{Msg: "ERR Protocol error: expected '$', got '" + string(rune(c)) + "'"}
				}
				n, ok = num.ParseInt(r.buf[r.pos+1 : r.pos+cr])
			}
			if !ok || n < 0 || n > r.Limits.MaxBulkLen {
				return errInvalidBulk
			}
			if n > unauthMaxBulkLen && r.Limits.AuthRequired {
				return errUnauthBulk
			}
			r.pos += cr + 2
			r.bulkLen = n
		}
		if int64(r.end-r.pos) < r.bulkLen+2 {
			return ErrIncomplete
		}
		a := r.pos - r.start
		r.offs = append(r.offs, a, a+int(r.bulkLen))
		r.pos += int(r.bulkLen) + 2
		r.bulkLen = -1
		r.pending--
	}
	return nil
}

// parseInline parses one inline (telnet-style) request. It returns nil args
// for a blank line.
func (r *Reader) parseInline() ([][]byte, error) {
	nl := bytes.IndexByte(r.buf[r.pos:r.end], '\n')
	if nl >= 0 && bytes.IndexByte(r.buf[r.pos:r.pos+nl], 0) >= 0 {
		// Valkey finds the newline with strchr, which stops at a NUL: the
		// line then only ends at the too-big-inline limit.
		nl = -1
	}
	if nl < 0 {
		if r.end-r.pos > inlineMaxSize {
			return nil, errBigInline
		}
		return nil, ErrIncomplete
	}
	line := r.buf[r.pos : r.pos+nl]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	words, ok := SplitArgs(line)
	if !ok {
		return nil, errUnbalancedQuotes
	}
	r.pos += nl + 1
	r.start = r.pos
	if len(words) == 0 {
		return nil, nil
	}
	r.inline = append(r.inline[:0], words...)
	return r.inline, nil
}
