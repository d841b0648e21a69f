package hash

// Go's allocator rounds every small allocation up to one of its size
// classes; a slice made with a capacity in between wastes the difference
// unseen. allocSize returns the size class of n bytes (n itself above the
// small-object limit, rounded to 8 KiB pages), so the packed form can use
// all the memory it is given.

// sizeClasses are the Go runtime's small object size classes (Go 1.21 on,
// runtime/sizeclasses.go), from 8 bytes to 32 KiB.
var sizeClasses = [...]int{
	8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256,
	288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280,
	1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528,
	6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432,
	19072, 20480, 21760, 24576, 27264, 28672, 32768,
}

func allocSize(n int) int {
	if n > sizeClasses[len(sizeClasses)-1] {
		return (n + 8191) &^ 8191
	}
	lo, hi := 0, len(sizeClasses)-1
	for lo < hi {
		m := (lo + hi) / 2
		if sizeClasses[m] < n {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return sizeClasses[lo]
}
