package commands

// RDB conversion: the values of this package to and from the RDB model of
// internal/persist/rdb, shared by DUMP/RESTORE (dump.go) and the server's
// whole-dataset writer and loader (server/rdb.go, through rdbCodec).
//
// Packed encodings travel as Valkey's bytes: a listpack list, set or
// sorted set and an intset are written as they are stored (their bytes are
// Valkey's), so their DUMP payloads are byte-identical to Valkey's. A
// packed hash is stored in Petrel's own form and is rebuilt as a listpack
// with Valkey's lpAppend choices. Hashtable and skiplist encodings are
// written element by element (hashtable iteration order differs from
// Valkey's, so those payloads hold the same elements in another order).
//
// Loading applies the loading server's thresholds the way Valkey's
// rdbLoadObject does: a listpack or intset blob stays packed unless it has
// more entries than allowed; element-wise encodings are rebuilt and
// converted as they grow.

import (
	"errors"
	"math"

	"petrel/internal/keyspace"
	"petrel/internal/persist/rdb"
	"petrel/internal/server"
	"petrel/internal/types/hash"
	"petrel/internal/types/list"
	"petrel/internal/types/set"
	"petrel/internal/types/set/listpack"
	"petrel/internal/types/stream"
	"petrel/internal/types/zset"
)

// errRDBValue is a value the RDB model holds but this package cannot
// build (corrupt content found while building).
var errRDBValue = errors.New("rdb: invalid value content")

// rdbCodec is the server's hook into the conversions (Registry.RDBCodec).
type rdbCodec struct{}

func (rdbCodec) EncodeRDB(e keyspace.Entry) (rdb.Value, error) { return valueToRDB(e) }

func (rdbCodec) DecodeRDB(s *server.Server, v *rdb.Value, now int64) (uint8, uint8, any, error) {
	return valueFromRDB(rdbLimitsOf(s), v, now)
}

// rdbLimits are the encoding thresholds values are loaded with.
type rdbLimits struct {
	list   list.Config
	set    set.Limits
	zset   zset.Limits
	hash   hash.Limits
	stream stream.Config
}

func rdbLimitsOf(s *server.Server) rdbLimits {
	l := rdbLimits{list: list.DefaultConfig, set: set.DefaultLimits, zset: zset.DefaultLimits,
		hash: hash.DefaultLimits, stream: stream.DefaultConfig}
	l.list.Mem = s.ListNodes()
	if h := s.Hot(); h != nil {
		l.list.Fill = int(h.ListMaxListpackSize.Load())
		l.list.Compress = int(h.ListCompressDepth.Load())
		l.set = set.Limits{IntsetEntries: int(h.SetMaxIntsetEntries.Load()),
			ListpackEntries: int(h.SetMaxListpackEntries.Load()), ListpackValue: int(h.SetMaxListpackValue.Load())}
		l.zset = zset.Limits{ListpackEntries: int(h.ZsetMaxListpackEntries.Load()),
			ListpackValue: int(h.ZsetMaxListpackValue.Load())}
		l.hash = hash.Limits{MaxEntries: h.HashMaxListpackEntries.Load(), MaxValue: h.HashMaxListpackValue.Load()}
	}
	if pt := s.QuicklistPackedThreshold(); pt != 1<<30 {
		l.list.PackedThreshold = int(pt)
	}
	return l
}

// --- to RDB -------------------------------------------------------------------

// valueToRDB converts e's value. Byte slices in the result alias the
// store: encode it before the shard is unlocked.
func valueToRDB(e keyspace.Entry) (rdb.Value, error) {
	switch e.Type() {
	case keyspace.TypeString:
		return rdb.Value{Type: rdb.TypeString, Str: e.AppendString(nil)}, nil
	case keyspace.TypeList:
		l := e.Object().(*listValue)
		v := rdb.Value{Type: rdb.TypeListQuicklist2}
		l.ForEachNode(func(b []byte, plain bool) {
			v.Nodes = append(v.Nodes, rdb.ListNode{Plain: plain, Data: b})
		})
		return v, nil
	case keyspace.TypeSet:
		return setToRDB(e.Object().(*setValue)), nil
	case keyspace.TypeZSet:
		z := e.Object().(*zsetValue)
		if lp, ok := z.Listpack(); ok {
			return rdb.Value{Type: rdb.TypeZSetListpack, Blob: lp}, nil
		}
		v := rdb.Value{Type: rdb.TypeZSet2, Members: make([]rdb.ZMember, 0, z.Len())}
		z.EachReverse(func(m []byte, s float64) bool {
			v.Members = append(v.Members, rdb.ZMember{Member: m, Score: s})
			return true
		})
		return v, nil
	case keyspace.TypeHash:
		return hashToRDB(e.Object().(hashObject).Hash), nil
	case keyspace.TypeStream:
		return streamToRDB(&e.Object().(*streamValue).Stream), nil
	}
	return rdb.Value{}, rdb.ErrModule
}

func setToRDB(s *setValue) rdb.Value {
	switch s.Encoding() {
	case set.Intset:
		// The inline form is the values then a width byte.
		b, _, _ := s.AppendInline(nil, math.MaxInt)
		w := 2
		if len(b) > 0 && b[len(b)-1] != 0 {
			w = int(b[len(b)-1])
		}
		vals := b[:max(len(b)-1, 0)]
		blob := rdb.AppendIntset(nil, w, nil)
		blob = append(blob, vals...)
		// Fix the count written as 0 above.
		n := uint32(len(vals) / w)
		blob[4], blob[5], blob[6], blob[7] = byte(n), byte(n>>8), byte(n>>16), byte(n>>24)
		return rdb.Value{Type: rdb.TypeSetIntset, Blob: blob}
	case set.Listpack:
		return rdb.Value{Type: rdb.TypeSetListpack, Blob: s.ListpackBytes()}
	}
	v := rdb.Value{Type: rdb.TypeSet, Elems: make([][]byte, 0, s.Len())}
	s.Each(func(m []byte) bool {
		v.Elems = append(v.Elems, m)
		return true
	})
	return v
}

func hashToRDB(h *hash.Hash) rdb.Value {
	if h.Packed() {
		lp := listpack.NewCap(64)
		h.EachWithExpiry(func(f, val []byte, _ int64) bool {
			lp = listpack.Append(lp, f)
			lp = listpack.Append(lp, val)
			return true
		})
		return rdb.Value{Type: rdb.TypeHashListpack, Blob: lp}
	}
	v := rdb.Value{Type: rdb.TypeHash, Fields: make([]rdb.HashField, 0, h.Len())}
	if h.VolatileLen() > 0 {
		v.Type = rdb.TypeHash2
	}
	h.EachWithExpiry(func(f, val []byte, exp int64) bool {
		if exp == 0 {
			exp = -1
		}
		v.Fields = append(v.Fields, rdb.HashField{Field: f, Value: val, Expire: exp})
		return true
	})
	return v
}

func toRDBID(id stream.ID) rdb.StreamID   { return rdb.StreamID{Ms: id.Ms, Seq: id.Seq} }
func fromRDBID(id rdb.StreamID) stream.ID { return stream.ID{Ms: id.Ms, Seq: id.Seq} }

func streamToRDB(s *stream.Stream) rdb.Value {
	rs := &rdb.Stream{
		Length: s.Len(), LastID: toRDBID(s.LastID()), FirstID: toRDBID(s.FirstID()),
		MaxDeletedID: toRDBID(s.MaxDeletedID()), EntriesAdded: s.EntriesAdded(),
	}
	s.EachNode(func(master stream.ID, lp []byte) bool {
		rs.Nodes = append(rs.Nodes, rdb.StreamNode{Master: toRDBID(master), LP: lp})
		return true
	})
	s.EachGroup(func(name string, g *stream.Group) bool {
		rg := rdb.StreamGroup{Name: []byte(name), LastID: toRDBID(g.LastID()), EntriesRead: g.EntriesRead()}
		g.EachPending(stream.MinID, func(id stream.ID, p *stream.Pending) bool {
			rg.PEL = append(rg.PEL, rdb.StreamNACK{ID: toRDBID(id), DeliveryTime: p.DeliveryTime, DeliveryCount: p.DeliveryCount})
			return true
		})
		g.EachConsumer(func(c *stream.Consumer) bool {
			rc := rdb.StreamConsumer{Name: []byte(c.Name()), SeenTime: c.SeenTime, ActiveTime: c.ActiveTime}
			c.EachPending(g, stream.MinID, func(id stream.ID, _ *stream.Pending) bool {
				rc.PEL = append(rc.PEL, toRDBID(id))
				return true
			})
			rg.Consumers = append(rg.Consumers, rc)
			return true
		})
		rs.Groups = append(rs.Groups, rg)
		return true
	})
	return rdb.Value{Type: rdb.TypeStreamListpacks3, Stream: rs}
}

// --- from RDB -----------------------------------------------------------------

// valueFromRDB builds a keyspace value from v: its type, encoding and
// object (for a string, the []byte to store with SetString).
func valueFromRDB(lim rdbLimits, v *rdb.Value, now int64) (typ, enc uint8, obj any, err error) {
	switch v.Kind() {
	case rdb.KindString:
		return keyspace.TypeString, keyspace.EncRaw, v.Str, nil
	case rdb.KindList:
		l, err := listFromRDB(lim, v)
		if err != nil {
			return 0, 0, nil, err
		}
		return keyspace.TypeList, listEncoding(l), l, nil
	case rdb.KindSet:
		s := setFromRDB(lim, v)
		return keyspace.TypeSet, setEncoding(s), s, nil
	case rdb.KindZSet:
		z := zsetFromRDB(lim, v)
		return keyspace.TypeZSet, zsetEncoding(z), z, nil
	case rdb.KindHash:
		h := hashFromRDB(lim, v, now)
		return keyspace.TypeHash, hashEncoding(h), hashObject{h}, nil
	case rdb.KindStream:
		s, err := streamFromRDB(v.Stream, v.Type)
		if err != nil {
			return 0, 0, nil, err
		}
		return keyspace.TypeStream, keyspace.EncStream, s, nil
	}
	return 0, 0, nil, rdb.ErrType
}

func listFromRDB(lim rdbLimits, v *rdb.Value) (*listValue, error) {
	cfg := lim.list
	if v.Type != rdb.TypeListQuicklist2 {
		l := newListValue()
		if v.Type == rdb.TypeListZiplist {
			l.ToQuicklist(&cfg) // as Valkey: never converted to a listpack
		}
		l.Push(&cfg, false, v.Elems...)
		return l, nil
	}
	nodes := make([][]byte, len(v.Nodes))
	plain := make([]bool, len(v.Nodes))
	for i, nd := range v.Nodes {
		nodes[i], plain[i] = nd.Data, nd.Plain
	}
	l, err := list.FromNodes(&cfg, nodes, plain)
	if err != nil {
		return nil, errRDBValue
	}
	if l.Len() == 0 {
		return nil, rdb.ErrEmpty
	}
	return &listValue{*l}, nil
}

func setFromRDB(lim rdbLimits, v *rdb.Value) *setValue {
	s := new(setValue)
	switch v.Type {
	case rdb.TypeSetIntset:
		n := rdb.IntsetLen(v.Blob)
		if n > lim.set.IntsetEntries {
			s.Set = *set.NewHashtable(n)
			for i := range n {
				s.AddInt(rdb.IntsetGet(v.Blob, i), lim.set)
			}
			return s
		}
		inline := append(v.Blob[8:len(v.Blob):len(v.Blob)], v.Blob[0])
		s.LoadInline(set.Intset, inline)
	case rdb.TypeSetListpack:
		n := listpack.Len(v.Blob)
		if n > lim.set.ListpackEntries {
			s.Set = *set.NewHashtable(n)
			var tmp [24]byte // integers are formatted here; strings alias the blob
			for p := listpack.First(v.Blob); p >= 0; p = listpack.Next(v.Blob, p) {
				s.Add(listpack.GetBytes(v.Blob, p, tmp[:0]), lim.set)
			}
			return s
		}
		s.LoadInline(set.Listpack, listpack.AppendInline(nil, v.Blob))
	default:
		if len(v.Elems) > lim.set.IntsetEntries {
			s.Set = *set.NewHashtable(len(v.Elems))
		} else {
			s.Set = *set.NewIntset()
		}
		for _, m := range v.Elems {
			s.Add(m, lim.set)
		}
	}
	return s
}

func zsetFromRDB(lim rdbLimits, v *rdb.Value) *zsetValue {
	z := new(zsetValue)
	if v.Type == rdb.TypeZSetListpack {
		if listpack.Len(v.Blob)/2 <= lim.zset.ListpackEntries {
			z.LoadInline(listpack.AppendInline(nil, v.Blob))
			return z
		}
		z.ZSet = *zset.NewSkiplist(listpack.Len(v.Blob) / 2)
		var tmp [24]byte // integers are formatted here; strings alias the blob
		for p := listpack.First(v.Blob); p >= 0; {
			m := listpack.GetBytes(v.Blob, p, tmp[:0])
			p = listpack.Next(v.Blob, p)
			sb, iv, isInt := listpack.Get(v.Blob, p)
			score := float64(iv)
			if !isInt {
				score, _ = zset.ParseScore(sb)
			}
			z.Insert(score, m, lim.zset)
			p = listpack.Next(v.Blob, p)
		}
		return z
	}
	z.ZSet = *zset.NewSkiplist(len(v.Members))
	maxLen, total := 0, 0
	for _, m := range v.Members {
		z.Insert(m.Score, m.Member, lim.zset)
		maxLen = max(maxLen, len(m.Member))
		total += len(m.Member)
	}
	z.ToListpackIfFits(maxLen, total, lim.zset)
	return z
}

func hashFromRDB(lim rdbLimits, v *rdb.Value, now int64) *hash.Hash {
	h := hash.New()
	if v.Type == rdb.TypeHashListpack {
		n := listpack.Len(v.Blob) / 2
		keep := lim.hash
		if int64(n) <= lim.hash.MaxEntries {
			// A listpack stays one whatever its values' sizes (Valkey).
			keep = hash.Limits{MaxEntries: math.MaxInt64, MaxValue: math.MaxInt64}
		} else {
			h.Convert()
		}
		var ftmp, vtmp [24]byte // integers are formatted here; strings alias the blob
		for p := listpack.First(v.Blob); p >= 0; {
			f := listpack.GetBytes(v.Blob, p, ftmp[:0])
			p = listpack.Next(v.Blob, p)
			val := listpack.GetBytes(v.Blob, p, vtmp[:0])
			p = listpack.Next(v.Blob, p)
			h.Set(f, val, 0, false, keep, now)
		}
		return h
	}
	// Built as HSET then HPEXPIREAT would build it, so the result is the
	// same structure (MEMORY USAGE agrees with the dumped hash's). A field
	// whose deadline passed is kept (KeepPast), for lazy expiry, as Valkey
	// loads it.
	for _, f := range v.Fields {
		h.Set(f.Field, f.Value, 0, false, lim.hash, now)
	}
	if v.Type == rdb.TypeHash2 {
		h.Convert()
		for _, f := range v.Fields {
			if f.Expire >= 0 {
				h.SetExpire(f.Field, f.Expire, hash.KeepPast, now)
			}
		}
	}
	return h
}

func streamFromRDB(rs *rdb.Stream, typ byte) (*streamValue, error) {
	sv := newStreamValue()
	s := &sv.Stream
	var live uint64
	for _, nd := range rs.Nodes {
		n, err := stream.ValidateNode(nd.LP)
		if err != nil || n < 0 {
			return nil, errRDBValue
		}
		if err := s.LoadNode(fromRDBID(nd.Master), nd.LP); err != nil {
			return nil, errRDBValue
		}
		live += uint64(n)
	}
	if live != rs.Length {
		return nil, errRDBValue
	}
	s.LoadState(rs.Length, fromRDBID(rs.LastID), fromRDBID(rs.FirstID), fromRDBID(rs.MaxDeletedID), rs.EntriesAdded)
	if typ == rdb.TypeStreamListpacks {
		// RDB before 10 has no first ID: the first live entry's.
		var first stream.ID
		if it := s.Range(stream.MinID, stream.MaxID, false); it.Next() {
			first = it.ID()
		}
		s.LoadState(rs.Length, fromRDBID(rs.LastID), first, stream.ID{}, rs.EntriesAdded)
	}
	for _, rg := range rs.Groups {
		entriesRead := rg.EntriesRead
		if typ == rdb.TypeStreamListpacks {
			// RDB before 10 has no counter: estimate it as Valkey does.
			entriesRead = s.EntriesReadAt(fromRDBID(rg.LastID))
		}
		g := s.CreateGroup(rg.Name, fromRDBID(rg.LastID), entriesRead)
		if g == nil {
			return nil, errRDBValue
		}
		for _, p := range rg.PEL {
			if !g.LoadPending(fromRDBID(p.ID), p.DeliveryTime, p.DeliveryCount) {
				return nil, errRDBValue
			}
		}
		for _, rc := range rg.Consumers {
			c := g.CreateConsumer(rc.Name, rc.SeenTime)
			if c == nil {
				return nil, errRDBValue
			}
			c.SeenTime, c.ActiveTime = rc.SeenTime, rc.ActiveTime
			for _, id := range rc.PEL {
				if !g.LoadConsumerPending(c, fromRDBID(id)) {
					return nil, errRDBValue
				}
			}
		}
		if g.Orphans() {
			return nil, errRDBValue
		}
	}
	return sv, nil
}
