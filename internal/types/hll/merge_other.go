//go:build !amd64

package hll

// mergeDense raises r to the dense registers regs.
func mergeDense(r *Raw, regs []byte) { mergeDenseWords(r, regs) }

// rawHisto adds the registers of r (each below 64) to hist by value.
func rawHisto(r *Raw, hist *[64]int) { rawHistoWords(r, hist) }
