//go:build !amd64

package bitmap

// Count returns the number of set bits in b.
func Count(b []byte) int64 { return countWords(b) }
