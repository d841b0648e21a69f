package keyspace

import "petrel/internal/num"

// Value types, numbered as Valkey's OBJ_* (on disk in RDB type mapping:
// never renumber).
const (
	TypeString uint8 = 0
	TypeList   uint8 = 1
	TypeSet    uint8 = 2
	TypeZSet   uint8 = 3
	TypeHash   uint8 = 4
	TypeModule uint8 = 5
	TypeStream uint8 = 6
)

// Encodings, numbered as Valkey's OBJ_ENCODING_* (never renumber).
const (
	EncRaw       uint8 = 0
	EncInt       uint8 = 1
	EncHashtable uint8 = 2
	EncZipmap    uint8 = 3
	EncLinked    uint8 = 4
	EncZiplist   uint8 = 5
	EncIntset    uint8 = 6
	EncSkiplist  uint8 = 7
	EncEmbstr    uint8 = 8
	EncQuicklist uint8 = 9
	EncStream    uint8 = 10
	EncListpack  uint8 = 11
)

// TypeName is the name TYPE replies with.
func TypeName(t uint8) string {
	switch t {
	case TypeString:
		return "string"
	case TypeList:
		return "list"
	case TypeSet:
		return "set"
	case TypeZSet:
		return "zset"
	case TypeHash:
		return "hash"
	case TypeStream:
		return "stream"
	case TypeModule:
		return "module"
	}
	return "none"
}

// TypeByName maps a TYPE name (SCAN ... TYPE) to its type; ok false if unknown.
func TypeByName(name string) (uint8, bool) {
	for t := TypeString; t <= TypeStream; t++ {
		if TypeName(t) == name {
			return t, true
		}
	}
	return 0, false
}

// EncodingName is the name OBJECT ENCODING replies with.
func EncodingName(e uint8) string {
	switch e {
	case EncRaw:
		return "raw"
	case EncInt:
		return "int"
	case EncHashtable:
		return "hashtable"
	case EncZipmap:
		return "zipmap"
	case EncLinked:
		return "linkedlist"
	case EncZiplist:
		return "ziplist"
	case EncIntset:
		return "intset"
	case EncSkiplist:
		return "skiplist"
	case EncEmbstr:
		return "embstr"
	case EncQuicklist:
		return "quicklist"
	case EncStream:
		return "stream"
	case EncListpack:
		return "listpack"
	}
	return "unknown"
}

// embstrMax is the longest string Valkey stores as embstr.
const embstrMax = 44

// StringEncoding is the key-independent part of Valkey's choice: int when
// v is a canonical 64-bit integer of at most 20 chars, else embstr up to 44
// bytes, raw above. Valkey 9 embeds the key (and expire) beside an embstr,
// so callers storing a value use StringEncodingFor, which refines this.
func StringEncoding(v []byte) (enc uint8, n int64) {
	if len(v) <= 20 {
		if n, ok := num.ParseInt(v); ok {
			return EncInt, n
		}
	}
	if len(v) <= embstrMax {
		return EncEmbstr, 0
	}
	return EncRaw, 0
}
