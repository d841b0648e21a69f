package rdb

import "encoding/binary"

// Value appends v's type byte and body (rdbSaveObjectType + rdbSaveObject).
func (e *Encoder) Value(v *Value) error {
	e.Byte(v.Type)
	return e.Object(v)
}

// Object appends v's body as rdbSaveObject writes it for v.Type. Only the
// types Valkey 9 writes are accepted.
func (e *Encoder) Object(v *Value) error {
	switch v.Type {
	case TypeString:
		e.String(v.Str)
	case TypeListQuicklist2:
		e.Len(uint64(len(v.Nodes)))
		for _, nd := range v.Nodes {
			if nd.Plain {
				e.Len(nodePlain)
			} else {
				e.Len(nodePack)
			}
			e.String(nd.Data)
		}
	case TypeSetIntset, TypeSetListpack, TypeZSetListpack, TypeHashListpack:
		e.String(v.Blob)
	case TypeSet:
		e.Len(uint64(len(v.Elems)))
		for _, m := range v.Elems {
			e.String(m)
		}
	case TypeZSet2:
		e.Len(uint64(len(v.Members)))
		for _, m := range v.Members {
			e.String(m.Member)
			e.Double(m.Score)
		}
	case TypeHash, TypeHash2:
		e.Len(uint64(len(v.Fields)))
		for _, f := range v.Fields {
			e.String(f.Field)
			e.String(f.Value)
			if v.Type == TypeHash2 {
				e.Millis(f.Expire)
			}
		}
	case TypeStreamListpacks3:
		e.stream(v.Stream)
	default:
		return ErrType
	}
	return nil
}

func appendStreamID(dst []byte, id StreamID) []byte {
	dst = binary.BigEndian.AppendUint64(dst, id.Ms)
	return binary.BigEndian.AppendUint64(dst, id.Seq)
}

func (e *Encoder) streamID(id StreamID) {
	e.Len(id.Ms)
	e.Len(id.Seq)
}

func (e *Encoder) stream(s *Stream) {
	e.Len(uint64(len(s.Nodes)))
	var key [16]byte
	for _, nd := range s.Nodes {
		e.String(appendStreamID(key[:0], nd.Master))
		e.String(nd.LP)
	}
	e.Len(s.Length)
	e.streamID(s.LastID)
	e.streamID(s.FirstID)
	e.streamID(s.MaxDeletedID)
	e.Len(s.EntriesAdded)
	e.Len(uint64(len(s.Groups)))
	for _, g := range s.Groups {
		e.String(g.Name)
		e.streamID(g.LastID)
		e.Len(uint64(g.EntriesRead))
		e.Len(uint64(len(g.PEL)))
		for _, p := range g.PEL {
			e.Buf = appendStreamID(e.Buf, p.ID)
			e.Millis(p.DeliveryTime)
			e.Len(p.DeliveryCount)
		}
		e.Len(uint64(len(g.Consumers)))
		for _, c := range g.Consumers {
			e.String(c.Name)
			e.Millis(c.SeenTime)
			e.Millis(c.ActiveTime)
			e.Len(uint64(len(c.PEL)))
			for _, id := range c.PEL {
				e.Buf = appendStreamID(e.Buf, id)
			}
		}
	}
}
