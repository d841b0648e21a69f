//go:build !unix

package kvtable

import "errors"

var errNoMmap = errors.New("kvtable: mmap not supported")

func mmap(int, bool) ([]byte, error) { return nil, errNoMmap }

func munmap([]byte) error { return nil }
