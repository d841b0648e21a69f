package bitmap

import "testing"

// forEachKernel runs fn once per vector kernel set the CPU supports:
// AVX-512, AVX2 only, and words only.
func forEachKernel(t *testing.T, fn func(t *testing.T)) {
	saved := [...]bool{useAVX2, useAVX512, useAVX512POPCNT}
	defer func() { useAVX2, useAVX512, useAVX512POPCNT = saved[0], saved[1], saved[2] }()
	sets := []struct {
		name                    string
		avx2, avx512, popcnt512 bool
	}{
		{"avx512", cpu.avx2, cpu.avx512, cpu.avx512popcnt},
		{"avx2", cpu.avx2, false, false},
		{"words", false, false, false},
	}
	for _, s := range sets {
		useAVX2, useAVX512, useAVX512POPCNT = s.avx2, s.avx512, s.popcnt512
		t.Run(s.name, fn)
	}
}
