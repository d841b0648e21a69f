#include "textflag.h"

// func popcntWords(b []byte) int64
// Counts the set bits of b with POPCNT, 32 bytes per iteration into four
// independent sums. The caller has checked that the CPU has POPCNT.
TEXT ·popcntWords(SB), NOSPLIT, $0-32
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), CX
	XORQ AX, AX
	XORQ BX, BX
	XORQ DX, DX
	XORQ DI, DI
loop32:
	CMPQ CX, $32
	JB   loop8
	POPCNTQ 0(SI), R8
	POPCNTQ 8(SI), R9
	POPCNTQ 16(SI), R10
	POPCNTQ 24(SI), R11
	ADDQ R8, AX
	ADDQ R9, BX
	ADDQ R10, DX
	ADDQ R11, DI
	ADDQ $32, SI
	SUBQ $32, CX
	JMP  loop32
loop8:
	CMPQ CX, $8
	JB   loop1
	POPCNTQ 0(SI), R8
	ADDQ R8, AX
	ADDQ $8, SI
	SUBQ $8, CX
	JMP  loop8
loop1:
	TESTQ CX, CX
	JZ    done
	MOVBQZX 0(SI), R8
	POPCNTQ R8, R8
	ADDQ R8, AX
	INCQ SI
	DECQ CX
	JMP  loop1
done:
	ADDQ BX, AX
	ADDQ DX, AX
	ADDQ DI, AX
	MOVQ AX, ret+24(FP)
	RET

// Nibble popcounts for VPSHUFB, in both 128-bit lanes.
DATA nibbles<>+0x00(SB)/8, $0x0302020102010100
DATA nibbles<>+0x08(SB)/8, $0x0403030203020201
DATA nibbles<>+0x10(SB)/8, $0x0302020102010100
DATA nibbles<>+0x18(SB)/8, $0x0403030203020201
GLOBL nibbles<>(SB), RODATA|NOPTR, $32

DATA lowNibble<>+0x00(SB)/1, $0x0f
GLOBL lowNibble<>(SB), RODATA|NOPTR, $1

// func popcntAVX2(b *byte, n int) int64
// Counts the set bits of n*32 bytes: each byte's count is the sum of its
// two nibbles' counts (looked up with VPSHUFB), summed per byte for up to
// 8 blocks (at most 64 per byte) and then folded into four 64-bit sums with
// VPSADBW.
TEXT ·popcntAVX2(SB), NOSPLIT, $0-24
	MOVQ b+0(FP), SI
	MOVQ n+8(FP), CX
	VMOVDQU nibbles<>(SB), Y8
	VPBROADCASTB lowNibble<>(SB), Y9
	VPXOR Y10, Y10, Y10 // the four 64-bit sums
	VPXOR Y11, Y11, Y11 // zero, for VPSADBW
outer:
	TESTQ CX, CX
	JZ    done
	MOVQ  $8, DX
	CMPQ  CX, DX
	CMOVQLT CX, DX
	SUBQ  DX, CX
	VPXOR Y12, Y12, Y12 // per-byte counts of this run
inner:
	VMOVDQU (SI), Y0
	VPSRLW  $4, Y0, Y1
	VPAND   Y9, Y0, Y0
	VPAND   Y9, Y1, Y1
	VPSHUFB Y0, Y8, Y0
	VPSHUFB Y1, Y8, Y1
	VPADDB  Y0, Y12, Y12
	VPADDB  Y1, Y12, Y12
	ADDQ    $32, SI
	DECQ    DX
	JNZ     inner
	VPSADBW Y11, Y12, Y12
	VPADDQ  Y12, Y10, Y10
	JMP     outer
done:
	VEXTRACTI128 $1, Y10, X1
	VPADDQ X1, X10, X10
	VPSHUFD $0x4e, X10, X1
	VPADDQ X1, X10, X10
	VMOVQ  X10, AX
	MOVQ   AX, ret+16(FP)
	VZEROUPPER
	RET

// func popcntAVX512(b *byte, n int) int64
// Counts the set bits of n*64 bytes with VPOPCNTQ (AVX512_VPOPCNTDQ): four
// independent 8x64-bit sums over 256 bytes per iteration, then one block
// at a time.
TEXT ·popcntAVX512(SB), NOSPLIT, $0-24
	MOVQ b+0(FP), SI
	MOVQ n+8(FP), CX
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
loop4:
	CMPQ CX, $4
	JB   loop1
	VPOPCNTQ (SI), Z4
	VPOPCNTQ 64(SI), Z5
	VPOPCNTQ 128(SI), Z6
	VPOPCNTQ 192(SI), Z7
	VPADDQ Z4, Z0, Z0
	VPADDQ Z5, Z1, Z1
	VPADDQ Z6, Z2, Z2
	VPADDQ Z7, Z3, Z3
	ADDQ $256, SI
	SUBQ $4, CX
	JMP  loop4
loop1:
	TESTQ CX, CX
	JZ    sum
	VPOPCNTQ (SI), Z4
	VPADDQ Z4, Z0, Z0
	ADDQ $64, SI
	DECQ CX
	JMP  loop1
sum:
	VPADDQ Z1, Z0, Z0
	VPADDQ Z3, Z2, Z2
	VPADDQ Z2, Z0, Z0
	VEXTRACTI64X4 $1, Z0, Y1
	VPADDQ Y1, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPADDQ X1, X0, X0
	VPSHUFD $0x4e, X0, X1
	VPADDQ X1, X0, X0
	VMOVQ  X0, AX
	MOVQ   AX, ret+16(FP)
	VZEROUPPER
	RET
