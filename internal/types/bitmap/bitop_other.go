//go:build !amd64

package bitmap

// combine applies op to d and s (of equal length) in place in d.
func combine(op Op, d, s []byte) { combineWords(op, d, s) }
