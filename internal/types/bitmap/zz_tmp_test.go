package bitmap

import (
	"syscall"
	"testing"
	"time"
	"unsafe"
)

func mapN(n int, huge bool) []byte {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		panic(err)
	}
	if huge {
		syscall.Syscall(syscall.SYS_MADVISE, uintptr(unsafe.Pointer(&b[0])), uintptr(n), syscall.MADV_HUGEPAGE)
	}
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}

func TestTmpMin(t *testing.T) {
	bufs := map[string][]byte{"mmap4k": mapN(1<<20, false), "heap": make([]byte, 1<<20)}
	hb := mapN(4<<20, true)
	off := (2<<20 - uintptr(unsafe.Pointer(&hb[0]))%(2<<20)) % (2 << 20)
	bufs["huge"] = hb[off : off+1<<20]
	for k := range bufs {
		for i := range bufs[k] {
			bufs[k][i] = byte(i * 7)
		}
	}
	junk := make([]byte, 4<<20)
	for _, cold := range []bool{false, true} {
		for _, k := range []string{"heap", "mmap4k", "huge", "heap", "mmap4k", "huge"} {
			best := time.Hour
			var sum time.Duration
			for i := 0; i < 2000; i++ {
				if cold {
					for j := 0; j < len(junk); j += 64 {
						junk[j]++
					}
				}
				t0 := time.Now()
				Count(bufs[k])
				d := time.Since(t0)
				sum += d
				best = min(best, d)
			}
			t.Logf("cold=%v %s min %v avg %v", cold, k, best, sum/2000)
		}
	}
}
