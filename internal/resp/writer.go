package resp

import (
	"strconv"

	"petrel/internal/num"
)

// Writer appends replies to Buf in the client's protocol (2 or 3). It never
// allocates except to grow Buf; the caller writes Buf to the socket and
// truncates it.
type Writer struct {
	Buf   []byte
	Proto int // 2 or 3
}

// Reset empties the buffer, keeping its capacity.
func (w *Writer) Reset() { w.Buf = w.Buf[:0] }

// Len is the number of buffered reply bytes.
func (w *Writer) Len() int { return len(w.Buf) }

func (w *Writer) header(c byte, n int64) {
	w.Buf = append(w.Buf, c)
	w.Buf = strconv.AppendInt(w.Buf, n, 10)
	w.Buf = append(w.Buf, '\r', '\n')
}

// OK writes +OK.
func (w *Writer) OK() { w.Buf = append(w.Buf, "+OK\r\n"...) }

// Simple writes a status reply; s must not contain CR or LF.
func (w *Writer) Simple(s string) {
	w.Buf = append(w.Buf, '+')
	w.Buf = append(w.Buf, s...)
	w.Buf = append(w.Buf, '\r', '\n')
}

// Error writes an error reply. msg carries its code ("ERR ...",
// "WRONGTYPE ..."); CR and LF in it become spaces, as Valkey does.
func (w *Writer) Error(msg string) {
	w.Buf = append(w.Buf, '-')
	for i := 0; i < len(msg); i++ {
		c := msg[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		w.Buf = append(w.Buf, c)
	}
	w.Buf = append(w.Buf, '\r', '\n')
}

// Int writes an integer reply.
func (w *Writer) Int(n int64) { w.header(':', n) }

// Bulk writes a bulk string.
func (w *Writer) Bulk(b []byte) {
	if n := len(b); n < 10 { // short elements of long replies (LRANGE)
		w.Buf = append(w.Buf, '$', byte('0'+n), '\r', '\n')
	} else {
		w.header('$', int64(n))
	}
	w.Buf = append(w.Buf, b...)
	w.Buf = append(w.Buf, '\r', '\n')
}

// BulkString writes a bulk string from a Go string.
func (w *Writer) BulkString(s string) {
	w.header('$', int64(len(s)))
	w.Buf = append(w.Buf, s...)
	w.Buf = append(w.Buf, '\r', '\n')
}

// BulkInt writes an integer formatted as a bulk string.
func (w *Writer) BulkInt(n int64) {
	var tmp [20]byte
	w.Bulk(strconv.AppendInt(tmp[:0], n, 10))
}

// Null writes a null bulk string (RESP2 $-1, RESP3 _).
func (w *Writer) Null() {
	if w.Proto == 3 {
		w.Buf = append(w.Buf, "_\r\n"...)
	} else {
		w.Buf = append(w.Buf, "$-1\r\n"...)
	}
}

// NullArray writes a null array (RESP2 *-1, RESP3 _).
func (w *Writer) NullArray() {
	if w.Proto == 3 {
		w.Buf = append(w.Buf, "_\r\n"...)
	} else {
		w.Buf = append(w.Buf, "*-1\r\n"...)
	}
}

// Array writes an array header of n elements.
func (w *Writer) Array(n int) { w.header('*', int64(n)) }

// Map writes a map header of n pairs (an array of 2n in RESP2).
func (w *Writer) Map(n int) {
	if w.Proto == 3 {
		w.header('%', int64(n))
	} else {
		w.header('*', int64(2*n))
	}
}

// Set writes a set header (an array in RESP2).
func (w *Writer) Set(n int) {
	if w.Proto == 3 {
		w.header('~', int64(n))
	} else {
		w.header('*', int64(n))
	}
}

// Push writes an out-of-band push header (an array in RESP2).
func (w *Writer) Push(n int) {
	if w.Proto == 3 {
		w.header('>', int64(n))
	} else {
		w.header('*', int64(n))
	}
}

// Attribute writes a RESP3 attribute header; callers only use it in RESP3.
func (w *Writer) Attribute(n int) { w.header('|', int64(n)) }

// Bool writes a RESP3 boolean, or :1/:0 in RESP2.
func (w *Writer) Bool(b bool) {
	switch {
	case w.Proto == 3 && b:
		w.Buf = append(w.Buf, "#t\r\n"...)
	case w.Proto == 3:
		w.Buf = append(w.Buf, "#f\r\n"...)
	case b:
		w.Buf = append(w.Buf, ":1\r\n"...)
	default:
		w.Buf = append(w.Buf, ":0\r\n"...)
	}
}

// Double writes a RESP3 double, or a bulk string in RESP2, formatted as
// Valkey's d2string does.
func (w *Writer) Double(f float64) {
	var tmp [32]byte
	s := num.AppendDouble(tmp[:0], f)
	if w.Proto == 3 {
		w.Buf = append(w.Buf, ',')
		w.Buf = append(w.Buf, s...)
		w.Buf = append(w.Buf, '\r', '\n')
		return
	}
	w.Bulk(s)
}

// BigNumber writes a RESP3 big number, or a bulk string in RESP2.
func (w *Writer) BigNumber(s string) {
	if w.Proto == 3 {
		w.Buf = append(w.Buf, '(')
		w.Buf = append(w.Buf, s...)
		w.Buf = append(w.Buf, '\r', '\n')
		return
	}
	w.BulkString(s)
}

// Verbatim writes a RESP3 verbatim string with a 3-letter format ("txt"),
// or a plain bulk string in RESP2.
func (w *Writer) Verbatim(format string, b []byte) {
	if w.Proto != 3 {
		w.Bulk(b)
		return
	}
	w.header('=', int64(len(b)+4))
	w.Buf = append(w.Buf, format...)
	w.Buf = append(w.Buf, ':')
	w.Buf = append(w.Buf, b...)
	w.Buf = append(w.Buf, '\r', '\n')
}

// Raw appends already-encoded protocol bytes.
func (w *Writer) Raw(b []byte) { w.Buf = append(w.Buf, b...) }

// Deferred is the position of a header whose count is not known yet.
type Deferred struct {
	at   int
	kind byte
}

// deferredWidth reserves room for a header of up to 10 count digits.
const deferredWidth = 13

// DeferArray reserves an array header, to be filled by Finish.
func (w *Writer) DeferArray() Deferred { return w.deferHeader('*') }

// DeferMap reserves a map header (RESP2: array of 2n), filled by Finish.
func (w *Writer) DeferMap() Deferred {
	if w.Proto == 3 {
		return w.deferHeader('%')
	}
	return w.deferHeader('M') // RESP2 map: array of twice the count
}

// DeferSet reserves a set header (RESP2: array), filled by Finish.
func (w *Writer) DeferSet() Deferred {
	if w.Proto == 3 {
		return w.deferHeader('~')
	}
	return w.deferHeader('*')
}

func (w *Writer) deferHeader(kind byte) Deferred {
	d := Deferred{at: len(w.Buf), kind: kind}
	w.Buf = append(w.Buf, make([]byte, deferredWidth)...)
	return d
}

// Finish writes the count of a deferred header and closes the gap.
func (w *Writer) Finish(d Deferred, n int) {
	kind := d.kind
	if kind == 'M' {
		kind, n = '*', 2*n
	}
	var tmp [deferredWidth]byte
	h := append(tmp[:0], kind)
	h = strconv.AppendInt(h, int64(n), 10)
	h = append(h, '\r', '\n')
	gap := deferredWidth - len(h)
	// Write the header, then move the body left over the unused bytes.
	copy(w.Buf[d.at:], h)
	copy(w.Buf[d.at+len(h):], w.Buf[d.at+deferredWidth:])
	w.Buf = w.Buf[:len(w.Buf)-gap]
}
