package list

// ToQuicklist makes l a quicklist whatever its size, for a list loaded
// from an RDB ziplist (RDB_TYPE_LIST_ZIPLIST), which Valkey always loads as
// a quicklist without trying the listpack encoding.
func (l *List) ToQuicklist(cfg *Config) {
	if l.q != nil {
		return
	}
	q := newQuicklist(cfg.Fill, cfg.Compress, cfg.Mem)
	if n := lpLength(l.lp); n > 0 {
		q.insertNode(0, q.nodeFromListpack(l.lp))
		q.count = n
	}
	l.q, l.lp = q, nil
}
