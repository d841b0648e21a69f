package rdb

// LZF, as Valkey's lzf_c.c/lzf_d.c (liblzf 3.6 with HLOG 16, VERY_FAST):
// the same hash, match search and output, so that compressed strings are
// byte-identical to Valkey's. Valkey leaves the hash table uninitialised
// (stale slots can only ever yield other valid matches); a zeroed table is
// what a fresh process sees.
//
//	000LLLLL <L+1 bytes>         literal run of 1..32 bytes
//	LLLooooo oooooooo            back reference, length L+2 (3..8), offset o+1
//	111ooooo LLLLLLLL oooooooo   back reference, length L+9

const (
	lzfHlog   = 16
	lzfHsize  = 1 << lzfHlog
	lzfMaxLit = 1 << 5
	lzfMaxOff = 1 << 13
	lzfMaxRef = 1<<8 + 1<<3
)

func lzfIdx(h uint32) uint32 { return ((h >> (3*8 - lzfHlog)) - h*5) & (lzfHsize - 1) }

// lzfCompress compresses in into at most outLen bytes; nil when the result
// would not fit (lzf_compress returning 0).
func lzfCompress(in []byte, outLen int) []byte {
	inLen := len(in)
	if inLen == 0 || outLen == 0 {
		return nil
	}
	if inLen < 3 {
		// lzf_compress reads in[1] for FRST; with fewer than 3 bytes it emits one literal run.
		if 1+3 > outLen {
			return nil
		}
		return append([]byte{byte(inLen - 1)}, in...)
	}
	htab := make([]int32, lzfHsize) // position+1 of the last occurrence, 0 = none
	out := make([]byte, outLen)
	ip, op := 0, 0
	lit := 0
	op++ // start run
	hval := uint32(in[0])<<8 | uint32(in[1])
	for ip < inLen-2 {
		hval = hval<<8 | uint32(in[ip+2])
		slot := &htab[lzfIdx(hval)]
		ref := int(*slot) - 1
		*slot = int32(ip + 1)
		off := ip - ref - 1
		if ref > 0 && off < lzfMaxOff && in[ref+2] == in[ip+2] && in[ref] == in[ip] && in[ref+1] == in[ip+1] {
			length := 2
			maxlen := inLen - ip - length
			if maxlen > lzfMaxRef {
				maxlen = lzfMaxRef
			}
			if op+3+1 >= outLen {
				nl := 0
				if lit == 0 {
					nl = 1
				}
				if op-nl+3+1 >= outLen {
					return nil
				}
			}
			out[op-lit-1] = byte(lit - 1)
			if lit == 0 {
				op--
			}
			// lzf_c.c first compares 16 bytes unrolled without looking
			// at maxlen (when maxlen > 16), then byte by byte up to it.
			matched := true
			if maxlen > 16 {
				for range 16 {
					length++
					if in[ref+length] != in[ip+length] {
						matched = false
						break
					}
				}
			}
			for matched {
				length++
				if length >= maxlen || in[ref+length] != in[ip+length] {
					break
				}
			}
			length -= 2
			ip++
			if length < 7 {
				out[op] = byte(off>>8 + length<<5)
				op++
			} else {
				out[op] = byte(off>>8 + 7<<5)
				out[op+1] = byte(length - 7)
				op += 2
			}
			out[op] = byte(off)
			op++
			lit = 0
			op++ // start run
			ip += length + 1
			if ip >= inLen-2 {
				break
			}
			ip -= 2
			hval = uint32(in[ip])<<8 | uint32(in[ip+1])
			hval = hval<<8 | uint32(in[ip+2])
			htab[lzfIdx(hval)] = int32(ip + 1)
			ip++
			hval = hval<<8 | uint32(in[ip+2])
			htab[lzfIdx(hval)] = int32(ip + 1)
			ip++
		} else {
			if op >= outLen {
				return nil
			}
			lit++
			out[op] = in[ip]
			op++
			ip++
			if lit == lzfMaxLit {
				out[op-lit-1] = byte(lit - 1)
				lit = 0
				op++
			}
		}
	}
	if op+3 > outLen {
		return nil
	}
	for ip < inLen {
		lit++
		out[op] = in[ip]
		op++
		ip++
		if lit == lzfMaxLit {
			out[op-lit-1] = byte(lit - 1)
			lit = 0
			op++
		}
	}
	out[op-lit-1] = byte(lit - 1)
	if lit == 0 {
		op--
	}
	return out[:op]
}

// lzfDecompress expands in into exactly outLen bytes; ok false on any
// inconsistency (lzf_decompress returning 0, or a short result).
func lzfDecompress(in []byte, outLen int) ([]byte, bool) {
	out := make([]byte, 0, outLen)
	ip := 0
	for ip < len(in) {
		ctrl := int(in[ip])
		ip++
		if ctrl < 1<<5 {
			n := ctrl + 1
			if len(out)+n > outLen || ip+n > len(in) {
				return nil, false
			}
			out = append(out, in[ip:ip+n]...)
			ip += n
			continue
		}
		length := ctrl >> 5
		ref := len(out) - (ctrl&0x1f)<<8 - 1
		if length == 7 {
			if ip >= len(in) {
				return nil, false
			}
			length += int(in[ip])
			ip++
		}
		if ip >= len(in) {
			return nil, false
		}
		ref -= int(in[ip])
		ip++
		length += 2
		if len(out)+length > outLen || ref < 0 {
			return nil, false
		}
		for i := 0; i < length; i++ {
			out = append(out, out[ref+i])
		}
	}
	if len(out) != outLen {
		return nil, false
	}
	return out, true
}
