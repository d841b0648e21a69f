package server

import (
	"fmt"
	"strings"
	"sync/atomic"

	"petrel/internal/cmdspec"
	"petrel/internal/keyspace"
)

// command is a registered command: its generated spec, its handler and
// its statistics (INFO commandstats).
type command struct {
	spec    *cmdspec.Spec
	handler Handler
	subs    map[string]*command // container commands only

	calls, usec, rejected, failed atomic.Int64
}

// Registry maps command names to handlers. Registration happens before
// the server starts; afterwards it is read-only.
type Registry struct {
	cmds map[string]*command
	// codecs are the inline codecs the families asked for, installed in
	// the keyspace by New (keyspace/inline.go).
	codecs []typedCodec
	// rdb converts values for the RDB writer and loader (rdb.go).
	rdb RDBCodec
}

type typedCodec struct {
	typ uint8
	c   keyspace.InlineCodec
}

// InlineCodec asks for the small values of collection type typ to be
// stored inline in their keys' records, converted with c
// (keyspace.SetInlineCodec).
func (r *Registry) InlineCodec(typ uint8, c keyspace.InlineCodec) {
	r.codecs = append(r.codecs, typedCodec{typ, c})
}

func newRegistry() *Registry {
	r := &Registry{cmds: map[string]*command{}}
	for _, s := range cmdspec.All() {
		c := &command{spec: s}
		if len(s.Subcommands) > 0 {
			c.subs = map[string]*command{}
			for _, sub := range s.Subcommands {
				name := sub.Name[strings.IndexByte(sub.Name, '|')+1:]
				c.subs[name] = &command{spec: sub}
			}
		}
		r.cmds[s.Name] = c
	}
	return r
}

// Handle registers the handler of a command ("get") or subcommand
// ("client|kill"). It panics on an unknown name, a nil handler, or a
// duplicate: mistakes surface at start-up, not on the first request.
func (r *Registry) Handle(name string, h Handler) {
	if h == nil {
		panic("server: nil handler for " + name)
	}
	c := r.find(name)
	if c == nil {
		panic("server: no command spec for " + name)
	}
	if c.handler != nil {
		panic("server: duplicate handler for " + name)
	}
	c.handler = h
}

func (r *Registry) find(name string) *command {
	name = strings.ToLower(name)
	parent, sub, isSub := strings.Cut(name, "|")
	c := r.cmds[parent]
	if c == nil || !isSub {
		return c
	}
	return c.subs[sub]
}

// lookup finds a command by its first argument, case-insensitively and
// without allocating.
func (r *Registry) lookup(name []byte) *command {
	var buf [32]byte
	if len(name) > len(buf) {
		return nil
	}
	return r.cmds[string(lowerInto(buf[:0], name))]
}

func (c *command) lookupSub(name []byte) *command {
	var buf [48]byte
	if len(name) > len(buf) {
		return nil
	}
	return c.subs[string(lowerInto(buf[:0], name))]
}

func lowerInto(dst, b []byte) []byte {
	for _, ch := range b {
		if 'A' <= ch && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		dst = append(dst, ch)
	}
	return dst
}

// implemented reports whether a command (or any of its subcommands) has a
// handler. Commands without one answer as unknown, as Valkey does for
// commands it does not have.
func (c *command) implemented() bool {
	if c.handler != nil {
		return true
	}
	for _, s := range c.subs {
		if s.handler != nil {
			return true
		}
	}
	return false
}

// Implemented lists the names of commands with handlers (for docs/tests).
func (r *Registry) Implemented() []string {
	var out []string
	for name, c := range r.cmds {
		if c.handler != nil {
			out = append(out, name)
		}
		for sn, s := range c.subs {
			if s.handler != nil {
				out = append(out, fmt.Sprintf("%s|%s", name, sn))
			}
		}
	}
	return out
}
