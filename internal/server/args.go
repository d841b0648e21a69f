package server

import (
	"bytes"
	"math"
	"strconv"

	"petrel/internal/errs"
	"petrel/internal/num"
)

// Args reads a command's arguments in order and keeps the first error, so
// a handler parses everything and checks Err once (Dragonfly's
// CmdArgParser). Reads past the end or of the wrong form record an error
// and return zero values.
type Args struct {
	args [][]byte
	i    int
	err  error
}

// Parser returns an argument reader starting at argument index from.
func (c *Ctx) Parser(from int) Args { return Args{args: c.Args, i: from} }

// Err is the first error met, or nil.
func (p *Args) Err() error { return p.err }

// Fail records err unless an earlier error is already kept.
func (p *Args) Fail(err error) {
	if p.err == nil {
		p.err = err
	}
}

// More reports whether arguments remain.
func (p *Args) More() bool { return p.i < len(p.args) }

// Left is the number of arguments not read yet.
func (p *Args) Left() int { return len(p.args) - p.i }

// Pos is the index of the next argument.
func (p *Args) Pos() int { return p.i }

// Next returns the next argument (nil, and a syntax error, past the end).
func (p *Args) Next() []byte {
	if p.i >= len(p.args) {
		p.Fail(errs.Syntax)
		return nil
	}
	a := p.args[p.i]
	p.i++
	return a
}

// Peek returns the next argument without consuming it (nil at the end).
func (p *Args) Peek() []byte {
	if p.i >= len(p.args) {
		return nil
	}
	return p.args[p.i]
}

// Flag consumes the next argument if it equals name (case-insensitive).
func (p *Args) Flag(name string) bool {
	if p.i < len(p.args) && EqualFold(p.args[p.i], name) {
		p.i++
		return true
	}
	return false
}

// Int64 reads an integer (Valkey's strict string2ll), failing with
// "value is not an integer or out of range".
func (p *Args) Int64() int64 {
	b := p.Next()
	if b == nil {
		return 0
	}
	n, ok := num.ParseInt(b)
	if !ok {
		p.Fail(errs.NotInteger)
	}
	return n
}

// Int64Err reads an integer failing with the given error instead.
func (p *Args) Int64Err(err error) int64 {
	b := p.Next()
	if b == nil {
		return 0
	}
	n, ok := num.ParseInt(b)
	if !ok {
		p.Fail(err)
	}
	return n
}

// Float64 reads a double as Valkey's getDoubleFromObject does.
func (p *Args) Float64() float64 {
	b := p.Next()
	if b == nil {
		return 0
	}
	f, ok := ParseFloat(b)
	if !ok {
		p.Fail(errs.NotFloat)
	}
	return f
}

// ParseFloat parses a double the way Valkey's string2d does: strtod
// syntax (inf, nan spelled out, hex not allowed), no leading space, NaN
// rejected.
func ParseFloat(b []byte) (float64, bool) {
	if len(b) == 0 || isSpace(b[0]) || isSpace(b[len(b)-1]) {
		return 0, false
	}
	s := string(b)
	if len(s) > 1 && (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) || bytes.Contains(b, []byte("_")) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			// strtod returns ±HUGE_VAL with ERANGE; Valkey rejects that.
			return 0, false
		}
		return 0, false
	}
	if math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// EqualFold compares an argument with an ASCII keyword, ignoring case,
// without allocating.
func EqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		d := s[i]
		if 'A' <= d && d <= 'Z' {
			d += 'a' - 'A'
		}
		if c != d {
			return false
		}
	}
	return true
}
