package hll

import "testing"

// forEachKernel runs fn once per vector kernel set the CPU supports:
// AVX-512, AVX2 only, and words only.
func forEachKernel(t *testing.T, fn func(t *testing.T)) {
	saved := [...]bool{useAVX2, useAVX512}
	defer func() { useAVX2, useAVX512 = saved[0], saved[1] }()
	sets := []struct {
		name         string
		avx2, avx512 bool
	}{
		{"avx512", cpu.avx2, cpu.avx512},
		{"avx2", cpu.avx2, false},
		{"words", false, false},
	}
	for _, s := range sets {
		useAVX2, useAVX512 = s.avx2, s.avx512
		t.Run(s.name, fn)
	}
}
