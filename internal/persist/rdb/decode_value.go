package rdb

import (
	"encoding/binary"
	"math"
	"strconv"

	"petrel/internal/types/set/listpack"
)

// Value reads a type byte and the value that follows (a DUMP payload's
// body, or a key's value in a file after its key).
func (d *Decoder) Value() (*Value, error) {
	t, err := d.Byte()
	if err != nil {
		return nil, err
	}
	if !IsObjectType(t) {
		return nil, ErrType
	}
	return d.Object(t)
}

// Object reads the body of a value of RDB type t. Legacy encodings are
// converted: ziplists and zipmaps of hashes and sorted sets to listpacks
// (TypeHashListpack, TypeZSetListpack), a ziplist list to elements (Type
// stays TypeListZiplist: Valkey loads it as a quicklist), quicklist ziplists to listpack nodes (TypeListQuicklist2).
// Packed blobs are validated (structure, counts, duplicates), so a caller
// may hand them to its listpack and intset code.
func (d *Decoder) Object(t byte) (*Value, error) {
	v := &Value{Type: t}
	var err error
	switch t {
	case TypeString:
		v.Str, err = d.String()
	case TypeList:
		v.Elems, err = d.strings(false)
	case TypeSet:
		v.Elems, err = d.strings(true)
	case TypeZSet, TypeZSet2:
		err = d.zset(v)
	case TypeHash, TypeHash2:
		err = d.hash(v)
	case TypeListQuicklist, TypeListQuicklist2:
		err = d.quicklist(v)
	case TypeListZiplist:
		var b []byte
		if b, err = d.String(); err == nil {
			v.Elems, err = ziplistEntries(b)
			if err == nil && len(v.Elems) == 0 {
				err = ErrEmpty
			}
		}
	case TypeSetIntset:
		if v.Blob, err = d.String(); err == nil {
			err = validateIntset(v.Blob)
		}
	case TypeSetListpack:
		if v.Blob, err = d.String(); err == nil {
			err = validatePacked(v.Blob, 1, false)
		}
	case TypeZSetListpack, TypeHashListpack:
		if v.Blob, err = d.String(); err == nil {
			err = validatePacked(v.Blob, 2, t == TypeZSetListpack)
		}
	case TypeZSetZiplist, TypeHashZiplist, TypeHashZipmap:
		err = d.legacyPairs(v)
	case TypeStreamListpacks, TypeStreamListpacks2, TypeStreamListpacks3:
		v.Stream, err = d.stream(t)
	case TypeModulePreGA, TypeModule2:
		err = ErrModule
	default:
		err = ErrType
	}
	if err != nil {
		return nil, err
	}
	return v, nil
}

// strings reads a count and that many strings (TypeList, TypeSet).
func (d *Decoder) strings(unique bool) ([][]byte, error) {
	n, err := d.count()
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, ErrEmpty
	}
	out := make([][]byte, 0, n)
	var seen map[string]struct{}
	if unique {
		seen = make(map[string]struct{}, n)
	}
	for range n {
		s, err := d.String()
		if err != nil {
			return nil, err
		}
		if unique {
			if _, dup := seen[string(s)]; dup {
				return nil, ErrCorrupt
			}
			seen[string(s)] = struct{}{}
		}
		out = append(out, s)
	}
	return out, nil
}

func (d *Decoder) zset(v *Value) error {
	n, err := d.count()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrEmpty
	}
	v.Members = make([]ZMember, 0, n)
	seen := make(map[string]struct{}, n)
	for range n {
		m, err := d.String()
		if err != nil {
			return err
		}
		var s float64
		if v.Type == TypeZSet2 {
			s, err = d.Double()
		} else {
			s, err = d.stringDouble()
		}
		if err != nil {
			return err
		}
		if math.IsNaN(s) {
			return ErrCorrupt
		}
		if _, dup := seen[string(m)]; dup {
			return ErrCorrupt
		}
		seen[string(m)] = struct{}{}
		v.Members = append(v.Members, ZMember{m, s})
	}
	return nil
}

func (d *Decoder) hash(v *Value) error {
	n, err := d.count()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrEmpty
	}
	v.Fields = make([]HashField, 0, n)
	seen := make(map[string]struct{}, n)
	for range n {
		f, err := d.String()
		if err != nil {
			return err
		}
		val, err := d.String()
		if err != nil {
			return err
		}
		exp := int64(noExpiry)
		if v.Type == TypeHash2 {
			if exp, err = d.Millis(); err != nil {
				return err
			}
			if exp < noExpiry {
				return ErrCorrupt
			}
		}
		if _, dup := seen[string(f)]; dup {
			return ErrCorrupt
		}
		seen[string(f)] = struct{}{}
		v.Fields = append(v.Fields, HashField{f, val, exp})
	}
	return nil
}

func (d *Decoder) quicklist(v *Value) error {
	n, err := d.count()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrEmpty
	}
	legacy := v.Type == TypeListQuicklist
	v.Type = TypeListQuicklist2
	for range n {
		container := uint64(nodePack)
		if !legacy {
			if container, err = d.Len(); err != nil {
				return err
			}
			if container != nodePack && container != nodePlain {
				return ErrCorrupt
			}
		}
		data, err := d.String()
		if err != nil {
			return err
		}
		if len(data) == 0 {
			return ErrCorrupt
		}
		if container == nodePlain {
			v.Nodes = append(v.Nodes, ListNode{Plain: true, Data: data})
			continue
		}
		if legacy {
			elems, err := ziplistEntries(data)
			if err != nil {
				return err
			}
			lp := listpack.New()
			for _, e := range elems {
				lp = listpack.Append(lp, e)
			}
			data = lp
		} else if listpack.Validate(data) != nil {
			return ErrCorrupt
		}
		if listpack.Len(data) == 0 {
			continue // Valkey skips empty nodes
		}
		v.Nodes = append(v.Nodes, ListNode{Data: data})
	}
	if len(v.Nodes) == 0 {
		return ErrEmpty
	}
	return nil
}

// legacyPairs converts a zset or hash ziplist, or a hash zipmap, to a
// listpack.
func (d *Decoder) legacyPairs(v *Value) error {
	b, err := d.String()
	if err != nil {
		return err
	}
	var elems [][]byte
	if v.Type == TypeHashZipmap {
		elems, err = zipmapEntries(b)
	} else {
		elems, err = ziplistEntries(b)
	}
	if err != nil {
		return err
	}
	if len(elems)%2 != 0 {
		return ErrCorrupt
	}
	if v.Type == TypeZSetZiplist {
		v.Type = TypeZSetListpack
	} else {
		v.Type = TypeHashListpack
	}
	lp := listpack.New()
	for _, e := range elems {
		lp = listpack.Append(lp, e)
	}
	v.Blob = lp
	return validatePacked(lp, 2, v.Type == TypeZSetListpack)
}

// validatePacked checks a set (group 1) or pair (group 2) listpack: its
// structure, a whole number of groups, distinct members and, for sorted
// sets, scores that parse and are not NaN. An empty one is ErrEmpty.
func validatePacked(lp []byte, group int, scores bool) error {
	if listpack.Validate(lp) != nil {
		return ErrCorrupt
	}
	n := listpack.Len(lp)
	if n == 0 {
		return ErrEmpty
	}
	if n%group != 0 {
		return ErrCorrupt
	}
	seen := make(map[string]struct{}, n/group)
	var tmp [24]byte // integers are formatted here; strings alias lp
	i := 0
	for p := listpack.First(lp); p >= 0; p = listpack.Next(lp, p) {
		if i%group == 0 {
			m := listpack.GetBytes(lp, p, tmp[:0])
			if _, dup := seen[string(m)]; dup {
				return ErrCorrupt
			}
			seen[string(m)] = struct{}{}
		} else if scores {
			s, _, isInt := listpack.Get(lp, p)
			if !isInt {
				f, err := strconv.ParseFloat(string(s), 64)
				if (err != nil && !isRangeErr(err)) || math.IsNaN(f) {
					return ErrCorrupt
				}
			}
		}
		i++
	}
	if i != n {
		return ErrCorrupt
	}
	return nil
}

// validateIntset checks Valkey's intset: a 4-byte encoding (2, 4 or 8), a
// 4-byte count, then count strictly ascending values of that width.
func validateIntset(b []byte) error {
	if len(b) < 8 {
		return ErrCorrupt
	}
	w := binary.LittleEndian.Uint32(b)
	n := binary.LittleEndian.Uint32(b[4:])
	if w != 2 && w != 4 && w != 8 {
		return ErrCorrupt
	}
	if uint64(len(b)-8) != uint64(w)*uint64(n) {
		return ErrCorrupt
	}
	if n == 0 {
		return ErrEmpty
	}
	var prev int64
	for i := 0; i < int(n); i++ {
		v := IntsetGet(b, i)
		if i > 0 && v <= prev {
			return ErrCorrupt
		}
		prev = v
	}
	return nil
}

// IntsetGet is the i'th value of a validated intset.
func IntsetGet(b []byte, i int) int64 {
	switch binary.LittleEndian.Uint32(b) {
	case 2:
		return int64(int16(binary.LittleEndian.Uint16(b[8+2*i:])))
	case 4:
		return int64(int32(binary.LittleEndian.Uint32(b[8+4*i:])))
	}
	return int64(binary.LittleEndian.Uint64(b[8+8*i:]))
}

// IntsetLen is the number of values of a validated intset.
func IntsetLen(b []byte) int { return int(binary.LittleEndian.Uint32(b[4:])) }

// AppendIntset appends Valkey's intset of the ascending values vals at
// width w (2, 4 or 8).
func AppendIntset(dst []byte, w int, vals []int64) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(w))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(vals)))
	for _, v := range vals {
		switch w {
		case 2:
			dst = binary.LittleEndian.AppendUint16(dst, uint16(v))
		case 4:
			dst = binary.LittleEndian.AppendUint32(dst, uint32(v))
		default:
			dst = binary.LittleEndian.AppendUint64(dst, uint64(v))
		}
	}
	return dst
}

func (d *Decoder) streamID() (StreamID, error) {
	ms, err := d.Len()
	if err != nil {
		return StreamID{}, err
	}
	seq, err := d.Len()
	return StreamID{ms, seq}, err
}

func (d *Decoder) rawStreamID() (StreamID, error) {
	b, err := d.take(16)
	if err != nil {
		return StreamID{}, err
	}
	return StreamID{binary.BigEndian.Uint64(b), binary.BigEndian.Uint64(b[8:])}, nil
}

func (d *Decoder) stream(t byte) (*Stream, error) {
	s := new(Stream)
	n, err := d.count()
	if err != nil {
		return nil, err
	}
	for range n {
		key, err := d.String()
		if err != nil {
			return nil, err
		}
		if len(key) != 16 {
			return nil, ErrCorrupt
		}
		lp, err := d.String()
		if err != nil {
			return nil, err
		}
		if listpack.Validate(lp) != nil || listpack.Len(lp) == 0 {
			return nil, ErrCorrupt
		}
		master := StreamID{binary.BigEndian.Uint64(key), binary.BigEndian.Uint64(key[8:])}
		s.Nodes = append(s.Nodes, StreamNode{master, lp})
	}
	if s.Length, err = d.Len(); err != nil {
		return nil, err
	}
	if s.LastID, err = d.streamID(); err != nil {
		return nil, err
	}
	if t >= TypeStreamListpacks2 {
		if s.FirstID, err = d.streamID(); err != nil {
			return nil, err
		}
		if s.MaxDeletedID, err = d.streamID(); err != nil {
			return nil, err
		}
		if s.EntriesAdded, err = d.Len(); err != nil {
			return nil, err
		}
	} else {
		s.EntriesAdded = s.Length // the caller finds FirstID
	}
	if s.Length > 0 && len(s.Nodes) == 0 {
		return nil, ErrCorrupt
	}
	ng, err := d.count()
	if err != nil {
		return nil, err
	}
	for range ng {
		var g StreamGroup
		if g.Name, err = d.String(); err != nil {
			return nil, err
		}
		if g.LastID, err = d.streamID(); err != nil {
			return nil, err
		}
		g.EntriesRead = -1
		if t >= TypeStreamListpacks2 {
			er, err := d.Len()
			if err != nil {
				return nil, err
			}
			g.EntriesRead = int64(er)
		}
		np, err := d.count()
		if err != nil {
			return nil, err
		}
		for range np {
			var p StreamNACK
			if p.ID, err = d.rawStreamID(); err != nil {
				return nil, err
			}
			if p.DeliveryTime, err = d.Millis(); err != nil {
				return nil, err
			}
			if p.DeliveryCount, err = d.Len(); err != nil {
				return nil, err
			}
			g.PEL = append(g.PEL, p)
		}
		nc, err := d.count()
		if err != nil {
			return nil, err
		}
		for range nc {
			var c StreamConsumer
			if c.Name, err = d.String(); err != nil {
				return nil, err
			}
			if c.SeenTime, err = d.Millis(); err != nil {
				return nil, err
			}
			c.ActiveTime = c.SeenTime
			if t >= TypeStreamListpacks3 {
				if c.ActiveTime, err = d.Millis(); err != nil {
					return nil, err
				}
			}
			np, err := d.count()
			if err != nil {
				return nil, err
			}
			for range np {
				id, err := d.rawStreamID()
				if err != nil {
					return nil, err
				}
				c.PEL = append(c.PEL, id)
			}
			g.Consumers = append(g.Consumers, c)
		}
		s.Groups = append(s.Groups, g)
	}
	return s, nil
}
