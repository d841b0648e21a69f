//go:build !amd64

package hll

import "testing"

func forEachKernel(t *testing.T, fn func(t *testing.T)) { fn(t) }
