package kvtable

import (
	"testing"
)

// FuzzTableOps reads the input as a sequence of 4-byte operations
// (op, key, size, salt) and checks a Table against a map model.
func FuzzTableOps(f *testing.F) {
	f.Add([]byte{opSet, 1, 16, 0, opFind, 1, 0, 0, opDelete, 1, 0, 0})
	f.Add([]byte{opSet, 2, 250, 1, opGrowValue, 2, 255, 3, opSetExpire, 2, 0, 1, opSetValue, 2, 3, 4})
	seq := []byte{}
	for i := range 200 {
		seq = append(seq, opSet, byte(i), byte(i*7), byte(i))
	}
	for i := range 200 {
		seq = append(seq, opDelete+byte(i%2), byte(i), 0, 0)
	}
	f.Add(seq)
	f.Fuzz(func(t *testing.T, data []byte) {
		a := NewArena()
		a.noMmap = true // fresh mmap pages fault slowly; the logic is the same
		defer a.Release()
		u := newRunner(a)
		for i := 0; i+4 <= len(data); i += 4 {
			op := int(data[i]) % numOps
			key := keyName(int(data[i+1]))
			n := int(data[i+2])
			if n > 200 {
				n = (n - 200) * 400 // up to 22000: the largest classes and dedicated mappings
			}
			x := uint64(data[i+3]) * 0x9e3779b97f4a7c15
			if err := u.apply(op, key, n, x); err != nil {
				t.Fatalf("op %d: %v", i/4, err)
			}
		}
		if err := checkModel(u.t, u.m); err != nil {
			t.Fatal(err)
		}
		if got, want := a.Used(), arenaLive(u.t); got != want {
			t.Fatalf("arena Used %d, live allocations %d", got, want)
		}
	})
}
