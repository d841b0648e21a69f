//go:build linux && (amd64 || arm64)

package kvtable

import (
	"syscall"
	"unsafe"
)

// hugePageSize is the size of a transparent huge page. Mappings of at least
// this size are aligned to it and marked MADV_HUGEPAGE: with 4 KiB pages a
// lookup in a large shard misses the TLB twice (bucket, record), and on a
// virtual machine each miss costs a two-level page walk. Measured on the
// 2-core VM, Find on a 1M-key table: 352 ns with 4 KiB pages, ~110 ns with
// huge pages.
const hugePageSize = 2 << 20

// mmap maps n bytes (a multiple of the page size) of anonymous private
// zeroed memory, huge-page backed when huge is set. It uses raw system
// calls rather than syscall.Mmap so that it can trim an over-sized
// reservation to a huge-page-aligned region.
func mmap(n int, huge bool) ([]byte, error) {
	if n < hugePageSize || !huge {
		return mapRaw(n)
	}
	// Reserve n + hugePageSize, keep the aligned n bytes, unmap the rest.
	b, err := mapRaw(n + hugePageSize)
	if err != nil {
		return nil, err
	}
	base := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	head := int((hugePageSize - base%hugePageSize) % hugePageSize)
	if head > 0 {
		unmapRaw(b[:head])
	}
	unmapRaw(b[head+n:]) // hugePageSize - head > 0 bytes

	b = b[head : head+n : head+n]
	// Advice only: the kernel may have THP disabled; nothing to do then.
	syscall.Syscall(syscall.SYS_MADVISE, uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(n), syscall.MADV_HUGEPAGE)
	return b, nil
}

func mapRaw(n int) ([]byte, error) {
	p, _, errno := syscall.Syscall6(syscall.SYS_MMAP, 0, uintptr(n),
		syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE, ^uintptr(0), 0)
	if errno != 0 {
		return nil, errno
	}
	// p is outside the Go heap; converting it back to a pointer is safe.
	return unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&p))), n), nil
}

func unmapRaw(b []byte) error {
	_, _, errno := syscall.Syscall(syscall.SYS_MUNMAP, uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)), 0)
	if errno != 0 {
		return errno
	}
	return nil
}

func munmap(b []byte) error { return unmapRaw(b) }
