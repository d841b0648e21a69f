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

// func hasPOPCNT() bool
TEXT ·hasPOPCNT(SB), NOSPLIT, $0-1
	MOVL $1, AX
	XORL CX, CX
	CPUID
	SHRL $23, CX
	ANDL $1, CX
	MOVB CX, ret+0(FP)
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

// func hasAVX2() bool
// CPUID.7.0:EBX bit 5, with the OS saving YMM state (OSXSAVE and XCR0
// bits 1 and 2).
TEXT ·hasAVX2(SB), NOSPLIT, $0-1
	MOVB $0, ret+0(FP)
	MOVL $0, AX
	CPUID
	CMPL AX, $7
	JB   no
	MOVL $1, AX
	XORL CX, CX
	CPUID
	BTL  $27, CX
	JCC  no
	XORL CX, CX
	XGETBV
	ANDL $6, AX
	CMPL AX, $6
	JNE  no
	MOVL $7, AX
	XORL CX, CX
	CPUID
	BTL  $5, BX
	JCC  no
	MOVB $1, ret+0(FP)
no:
	RET
