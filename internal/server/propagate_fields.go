package server

// Propagation of the active expiry cycle's element reclaims (hash field
// expiration). Valkey's dbReclaimExpiredFields propagates each batch of
// reclaimed fields as `HDEL key f1 f2 ...` (at most expireBulkLimit
// fields a command) and, when that emptied the key, DEL or UNLINK after
// it, the whole batch as one execution unit: wrapped in MULTI/EXEC when
// it has more than one command.

// expireBulkLimit is the most fields one propagated HDEL names (Valkey's
// EXPIRE_BULK_LIMIT).
const expireBulkLimit = 1024

// fieldsExpirySink implements keyspace.FieldsExpiredSink.
type fieldsExpirySink struct{ s *Server }

func (k fieldsExpirySink) Propagating() bool { return k.s.repl.on.Load() }

// FieldsExpired runs with the key's shard locked: the unit it writes
// takes the key's place in the stream.
func (k fieldsExpirySink) FieldsExpired(db int, key []byte, fields [][]byte, keyDeleted bool) {
	if !k.s.repl.on.Load() || len(fields) == 0 {
		return
	}
	var cmds [][][]byte
	for len(fields) > 0 {
		n := min(len(fields), expireBulkLimit)
		cmds = append(cmds, hdelCommand(key, fields[:n]))
		fields = fields[n:]
	}
	if keyDeleted {
		cmds = append(cmds, [][]byte{[]byte(k.s.deletedKeyCommand()), key})
	}
	k.s.propagateUnit(db, cmds...)
}

// hdelCommand is `HDEL key field...`.
func hdelCommand(key []byte, fields [][]byte) [][]byte {
	args := make([][]byte, 0, len(fields)+2)
	args = append(args, []byte("HDEL"), key)
	return append(args, fields...)
}

// propagateUnit writes cmds, all in database db, as one unit of the
// server's own (outside any command), wrapped in MULTI/EXEC when there is
// more than one. The caller holds the shards the commands are about.
func (s *Server) propagateUnit(db int, cmds ...[][]byte) {
	var u propUnit
	for _, args := range cmds {
		u.add(db, args)
	}
	if len(u.ops) > 0 {
		s.writeUnit(&u, false)
	}
}
