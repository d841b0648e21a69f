package stream

import "testing"

func BenchmarkTmpPEL(b *testing.B) {
	const n = 200000
	build := func() (*btree[ID, Pending], *btree[ID, struct{}]) {
		g := newBtree[ID, Pending](compareIDs)
		c := newBtree[ID, struct{}](compareIDs)
		for i := 1; i <= n; i++ {
			g.insert(ID{Seq: uint64(i)}, Pending{})
			c.insert(ID{Seq: uint64(i)}, struct{}{})
		}
		return g, c
	}
	g, c := build()
	b.Run("find", func(b *testing.B) {
		i := 0
		for b.Loop() {
			g.ptr(ID{Seq: uint64((i*7919)%n + 1)})
			i++
		}
	})
	b.Run("delete2", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if i == n {
				b.StopTimer()
				g, c = build()
				i = 0
				b.StartTimer()
			}
			id := ID{Seq: uint64((i*7919)%n + 1)}
			g.delete(id)
			c.delete(id)
			i++
		}
	})
	b.Run("insertSeq", func(b *testing.B) {
		g := newBtree[ID, Pending](compareIDs)
		i := 0
		for b.Loop() {
			g.insert(ID{Seq: uint64(i)}, Pending{})
			i++
		}
	})
}
