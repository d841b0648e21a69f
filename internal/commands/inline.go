package commands

// Inline codecs: how the keyspace keeps small lists, hashes, sets and
// sorted sets as bytes inside their keys' records and makes from them the
// objects the handlers of this package use (keyspace/inline.go). A value
// in a packed encoding (listpack, intset) is stored inline, in the compact
// form its type package defines (AppendInline, FromInline); any other
// (quicklist, hashtable, skiplist, a hash with field TTLs, which is never
// packed) stays an object. Handlers see no difference.
//
// Decoding recycles an object the keyspace is done with, and its buffer,
// so that commands on small collections allocate nothing in steady state.

import (
	"petrel/internal/keyspace"
	"petrel/internal/server"
	"petrel/internal/types/hash"
	"petrel/internal/types/set"
)

func registerInlineCodecs(r *server.Registry) {
	r.InlineCodec(keyspace.TypeList, listCodec{})
	r.InlineCodec(keyspace.TypeHash, hashCodec{})
	r.InlineCodec(keyspace.TypeSet, setCodec{})
	r.InlineCodec(keyspace.TypeZSet, zsetCodec{})
}

type listCodec struct{}

func (listCodec) Decode(enc uint8, b []byte, reuse any) any {
	l, ok := reuse.(*listValue)
	if !ok {
		l = new(listValue)
	}
	l.LoadInline(b)
	return l
}

func (listCodec) AppendPacked(dst []byte, o any, max int) ([]byte, uint8, bool) {
	if l, ok := o.(*listValue); ok {
		if b, ok := l.AppendInline(dst, max); ok {
			return b, keyspace.EncListpack, true
		}
	}
	return dst, 0, false
}

type hashCodec struct{}

func (hashCodec) Decode(enc uint8, b []byte, reuse any) any {
	h, ok := reuse.(hashObject)
	if !ok {
		h = hashObject{new(hash.Hash)}
	}
	h.LoadInline(b)
	return h
}

func (hashCodec) AppendPacked(dst []byte, o any, max int) ([]byte, uint8, bool) {
	if h, ok := o.(hashObject); ok {
		if b, ok := h.AppendInline(dst, max); ok {
			return b, keyspace.EncListpack, true
		}
	}
	return dst, 0, false
}

type setCodec struct{}

func (setCodec) Decode(enc uint8, b []byte, reuse any) any {
	s, ok := reuse.(*setValue)
	if !ok {
		s = new(setValue)
	}
	if enc == keyspace.EncIntset {
		s.LoadInline(set.Intset, b)
	} else {
		s.LoadInline(set.Listpack, b)
	}
	return s
}

func (setCodec) AppendPacked(dst []byte, o any, max int) ([]byte, uint8, bool) {
	if s, ok := o.(*setValue); ok {
		if b, e, ok := s.AppendInline(dst, max); ok {
			if e == set.Intset {
				return b, keyspace.EncIntset, true
			}
			return b, keyspace.EncListpack, true
		}
	}
	return dst, 0, false
}

type zsetCodec struct{}

func (zsetCodec) Decode(enc uint8, b []byte, reuse any) any {
	z, ok := reuse.(*zsetValue)
	if !ok {
		z = new(zsetValue)
	}
	z.LoadInline(b)
	return z
}

func (zsetCodec) AppendPacked(dst []byte, o any, max int) ([]byte, uint8, bool) {
	if z, ok := o.(*zsetValue); ok {
		if b, ok := z.AppendInline(dst, max); ok {
			return b, keyspace.EncListpack, true
		}
	}
	return dst, 0, false
}
