//go:build unix && !(linux && (amd64 || arm64))

package kvtable

import "syscall"

func mmap(n int, _ bool) ([]byte, error) {
	return syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
}

func munmap(b []byte) error { return syscall.Munmap(b) }
