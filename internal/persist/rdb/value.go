package rdb

import "errors"

// Kind is a value's data type.
type Kind uint8

const (
	KindString Kind = iota
	KindList
	KindSet
	KindZSet
	KindHash
	KindStream
)

// Value is one key's value in the RDB model. Type is the RDB type byte it
// is (to be) written with; which other fields are set depends on it:
//
//	TypeString                 Str
//	TypeListQuicklist2         Nodes (listpacks, or plain single elements)
//	TypeList, TypeListZiplist  Elems: legacy encodings, decoded to elements
//	TypeSetIntset              Blob: Valkey's intset (validated)
//	TypeSetListpack            Blob: a listpack of members
//	TypeSet                    Elems
//	TypeZSetListpack           Blob: member, score pairs (also from ziplists)
//	TypeZSet2, TypeZSet        Members (written greatest first, as Valkey)
//	TypeHashListpack           Blob: field, value pairs (also from zipmaps and ziplists)
//	TypeHash, TypeHash2        Fields (Expire -1 for none; only Hash2 writes them)
//	TypeStreamListpacks3 (..)  Stream
//
// Decoded blobs are fresh copies the caller may keep.
type Value struct {
	Type    byte
	Str     []byte
	Nodes   []ListNode
	Elems   [][]byte
	Blob    []byte
	Members []ZMember
	Fields  []HashField
	Stream  *Stream
}

// Kind is the data type of the value's RDB type.
func (v *Value) Kind() Kind {
	switch v.Type {
	case TypeString:
		return KindString
	case TypeList, TypeListZiplist, TypeListQuicklist, TypeListQuicklist2:
		return KindList
	case TypeSet, TypeSetIntset, TypeSetListpack:
		return KindSet
	case TypeZSet, TypeZSet2, TypeZSetZiplist, TypeZSetListpack:
		return KindZSet
	case TypeHash, TypeHash2, TypeHashZipmap, TypeHashZiplist, TypeHashListpack:
		return KindHash
	}
	return KindStream
}

// ListNode is a quicklist node: a listpack, or (Plain) one large element.
type ListNode struct {
	Plain bool
	Data  []byte
}

// ZMember is a sorted set member.
type ZMember struct {
	Member []byte
	Score  float64
}

// HashField is a hash field; Expire is its unix-ms deadline, -1 for none.
type HashField struct {
	Field, Value []byte
	Expire       int64
}

// StreamID is a stream entry ID.
type StreamID struct{ Ms, Seq uint64 }

// Stream is a stream: its nodes as Valkey keeps them (a master ID and a
// listpack each, validated by the caller's stream package), counters, and
// consumer groups.
type Stream struct {
	Nodes        []StreamNode
	Length       uint64
	LastID       StreamID
	FirstID      StreamID
	MaxDeletedID StreamID
	EntriesAdded uint64
	Groups       []StreamGroup
}

// StreamNode is one listpack node keyed by its master ID.
type StreamNode struct {
	Master StreamID
	LP     []byte
}

// StreamGroup is a consumer group with its PEL and consumers.
type StreamGroup struct {
	Name        []byte
	LastID      StreamID
	EntriesRead int64
	PEL         []StreamNACK
	Consumers   []StreamConsumer
}

// StreamNACK is a pending entry of a group.
type StreamNACK struct {
	ID            StreamID
	DeliveryTime  int64
	DeliveryCount uint64
}

// StreamConsumer is a consumer and the IDs of its pending entries (each
// also in its group's PEL).
type StreamConsumer struct {
	Name       []byte
	SeenTime   int64
	ActiveTime int64
	PEL        []StreamID
}

// Errors of the decoder. Every one means the input is not a valid RDB
// value; ErrEmpty is a value Valkey refuses as empty (RDB_LOAD_ERR_EMPTY_KEY,
// skipped when loading a file), ErrModule a module type, which Petrel
// cannot load.
var (
	ErrCorrupt   = errors.New("rdb: corrupt data")
	ErrTruncated = errors.New("rdb: unexpected end of data")
	ErrEmpty     = errors.New("rdb: empty value")
	ErrModule    = errors.New("rdb: module values are not supported")
	ErrType      = errors.New("rdb: unknown value type")
	ErrVersion   = errors.New("rdb: unsupported RDB version")
	ErrChecksum  = errors.New("rdb: wrong checksum")
)
