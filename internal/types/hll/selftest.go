package hll

import (
	"encoding/binary"
	"math"
	"math/rand/v2"

	"petrel/internal/errs"
)

// SelfTest is PFSELFTEST: it checks that dense registers read back what was
// written without disturbing their neighbours, then adds ten million
// distinct elements to a dense and a sparse HLL side by side, checking at
// 1, 10, 100, ... elements that the sparse one stays sparse while small
// (below maxSparse/2 elements), that both estimate the same, and that the
// error stays within six standard errors. It returns nil or the TESTFAILED
// error Valkey would reply.
func SelfTest(maxSparse int) error {
	const cycles = 1000
	dense := make([]byte, DenseSize)
	regs := dense[HeaderSize:]
	var want [Registers]uint8
	for range cycles {
		for i := range want {
			want[i] = uint8(rand.Uint32() & RegisterMax)
			denseSet(regs, i, want[i])
		}
		for i := range want {
			if got := denseGet(regs, i); got != want[i] {
				return errs.HLLTestRegister(i, int(want[i]), int(got))
			}
		}
	}

	clear(regs)
	copy(dense, "HYLL")
	sparse := New()
	relerr := 1.04 / math.Sqrt(Registers)
	checkpoint := uint64(1)
	seed := rand.Uint64()
	var ele [8]byte
	for j := uint64(1); j <= 10_000_000; j++ {
		binary.LittleEndian.PutUint64(ele[:], j^seed)
		i, count := patLen(ele[:])
		denseAdd(regs, i, count)
		var err error
		if sparse, _, err = SetRegister(sparse, i, count, maxSparse); err != nil {
			return err
		}
		if j != checkpoint {
			continue
		}
		if j < uint64(maxSparse/2) && !IsSparse(sparse) {
			return errs.HLLTestSparseUnused
		}
		cd, _ := Count(dense)
		cs, err := Count(sparse)
		if err != nil || cd != cs {
			return errs.HLLTestDisagree
		}
		maxerr := uint64(math.Ceil(relerr * 6 * float64(checkpoint)))
		if j == 10 {
			maxerr = 1
		}
		abserr := int64(checkpoint) - int64(cd)
		if abserr < 0 {
			abserr = -abserr
		}
		if abserr > int64(maxerr) {
			return errs.HLLTestError(checkpoint, uint64(abserr))
		}
		checkpoint *= 10
	}
	return nil
}
