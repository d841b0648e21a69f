//go:build !amd64

package bitmap

import "testing"

func forEachKernel(t *testing.T, fn func(t *testing.T)) { fn(t) }
