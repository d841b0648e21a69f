#include "textflag.h"

// Dense registers are 6 bits each, packed little endian: 4 registers in 3
// bytes. mergeAVX2 unpacks 32 registers (24 bytes) per iteration into one
// byte each and keeps the byte-wise maximum with the raw registers.
//
// Per iteration, 32 bytes are loaded starting 4 bytes before the 24 wanted
// ones, so each 128-bit lane holds its 12 bytes (16 registers): lane 0 at
// bytes 4..15, lane 1 at bytes 0..11. A byte shuffle spreads every 3 bytes
// into a 32-bit group; masks and shifts then move each 6-bit register to
// the low bits of its own byte.

// Shuffle: lane 0 takes bytes 4..15, lane 1 bytes 0..11, 3 bytes per dword.
DATA shuf<>+0x00(SB)/8, $0xff090807ff060504
DATA shuf<>+0x08(SB)/8, $0xff0f0e0dff0c0b0a
DATA shuf<>+0x10(SB)/8, $0xff050403ff020100
DATA shuf<>+0x18(SB)/8, $0xff0b0a09ff080706
GLOBL shuf<>(SB), RODATA|NOPTR, $32

DATA m0<>+0x00(SB)/4, $0x0000003f
GLOBL m0<>(SB), RODATA|NOPTR, $4
DATA m1<>+0x00(SB)/4, $0x00000fc0
GLOBL m1<>(SB), RODATA|NOPTR, $4
DATA m2<>+0x00(SB)/4, $0x0003f000
GLOBL m2<>(SB), RODATA|NOPTR, $4
DATA m3<>+0x00(SB)/4, $0x00fc0000
GLOBL m3<>(SB), RODATA|NOPTR, $4

// func mergeAVX2(raw *byte, src *byte, n int)
// raw: n*32 raw registers to update; src: the packed bytes of those
// registers minus 4 (src[4..] is the first register's byte). It reads
// 32 bytes per iteration from src, of which the first 4 and last 4 are not
// used.
TEXT ·mergeAVX2(SB), NOSPLIT, $0-24
	MOVQ raw+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VMOVDQU shuf<>(SB), Y8
	VPBROADCASTD m0<>(SB), Y9
	VPBROADCASTD m1<>(SB), Y10
	VPBROADCASTD m2<>(SB), Y11
	VPBROADCASTD m3<>(SB), Y12
loop:
	TESTQ CX, CX
	JZ    done
	VMOVDQU (SI), Y0
	VPSHUFB Y8, Y0, Y0
	VPAND   Y9, Y0, Y1
	VPAND   Y10, Y0, Y2
	VPSLLD  $2, Y2, Y2
	VPAND   Y11, Y0, Y3
	VPSLLD  $4, Y3, Y3
	VPAND   Y12, Y0, Y4
	VPSLLD  $6, Y4, Y4
	VPOR    Y1, Y2, Y1
	VPOR    Y3, Y4, Y3
	VPOR    Y1, Y3, Y1
	VPMAXUB (DI), Y1, Y1
	VMOVDQU Y1, (DI)
	ADDQ $24, SI
	ADDQ $32, DI
	DECQ CX
	JMP  loop
done:
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
