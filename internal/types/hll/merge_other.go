//go:build !amd64

package hll

// mergeDense raises r to the dense registers regs.
func mergeDense(r *Raw, regs []byte) { mergeDenseWords(r, regs) }
