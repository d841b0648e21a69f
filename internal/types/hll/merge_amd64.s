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

// --- AVX-512 (F, BW, VBMI) ---------------------------------------------------

// Byte permutation for mergeAVX512: qword k of the result holds bytes
// 6k..6k+5 of the 48 source bytes (8 registers), its top two bytes repeat
// byte 6k+5 (they are masked off).
DATA spread48<>+0x00(SB)/8, $0x0505050403020100
DATA spread48<>+0x08(SB)/8, $0x0b0b0b0a09080706
DATA spread48<>+0x10(SB)/8, $0x111111100f0e0d0c
DATA spread48<>+0x18(SB)/8, $0x1717171615141312
DATA spread48<>+0x20(SB)/8, $0x1d1d1d1c1b1a1918
DATA spread48<>+0x28(SB)/8, $0x2323232221201f1e
DATA spread48<>+0x30(SB)/8, $0x2929292827262524
DATA spread48<>+0x38(SB)/8, $0x2f2f2f2e2d2c2b2a
GLOBL spread48<>(SB), RODATA|NOPTR, $64

// VPMULTISHIFTQB control: byte i of each qword takes the 8 bits at 6*i.
DATA shift6<>+0x00(SB)/8, $0x2a241e18120c0600
GLOBL shift6<>(SB), RODATA|NOPTR, $8

DATA low6<>+0x00(SB)/8, $0x3f3f3f3f3f3f3f3f
GLOBL low6<>(SB), RODATA|NOPTR, $8

DATA ones8<>+0x00(SB)/8, $0x0101010101010101
GLOBL ones8<>(SB), RODATA|NOPTR, $8

// func mergeAVX512(raw *Raw, regs *byte)
// raw[i] = max(raw[i], register i) for all 16384 registers of the 12288
// dense register bytes at regs: 64 registers (48 bytes, loaded with a mask
// so nothing past them is read) per iteration. VPERMB gives every group of
// 8 registers its own qword with the first register at bit 0, and
// VPMULTISHIFTQB moves register i of the group to byte i (bits 6i..6i+7,
// the top two masked off).
TEXT ·mergeAVX512(SB), NOSPLIT, $0-16
	MOVQ raw+0(FP), DI
	MOVQ regs+8(FP), SI
	MOVQ $0x0000ffffffffffff, AX
	KMOVQ AX, K1
	VMOVDQU64 spread48<>(SB), Z8
	VPBROADCASTQ shift6<>(SB), Z9
	VPBROADCASTQ low6<>(SB), Z10
	MOVQ $256, CX
merge512:
	VMOVDQU8.Z (SI), K1, Z0
	VPERMB Z0, Z8, Z1
	VPMULTISHIFTQB Z1, Z9, Z1
	VPANDQ Z10, Z1, Z1
	VPMAXUB (DI), Z1, Z1
	VMOVDQU64 Z1, (DI)
	ADDQ $48, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  merge512
	VZEROUPPER
	RET

// Horizontal byte minimum (maximum) of Z, through Y and X, into R
// (zero-extended). T is a scratch register (X form; TY its Y form).
#define HREDUCE(OP, Z, Y, X, TY, TX, R) \
	VEXTRACTI64X4 $1, Z, TY \
	OP TY, Y, Y \
	VEXTRACTI128 $1, Y, TX \
	OP TX, X, X \
	VPSRLDQ $8, X, TX \
	OP TX, X, X \
	VPSRLDQ $4, X, TX \
	OP TX, X, X \
	VPSRLDQ $2, X, TX \
	OP TX, X, X \
	VPSRLDQ $1, X, TX \
	OP TX, X, X \
	VPEXTRB $0, X, R

// func histAVX512(raw *Raw, hist *[64]int)
// Adds to hist the number of raw registers of each value (raw bytes are
// below 64). The values present are bounded first (byte min and max over
// the 16384 bytes); then, per value in that range, matching bytes are
// counted with VPCMPEQB and masked byte increments in four accumulators
// (at most 64 each per byte), summed with VPSADBW.
TEXT ·histAVX512(SB), NOSPLIT, $0-16
	MOVQ raw+0(FP), SI
	MOVQ hist+8(FP), DI
	VMOVDQU64 (SI), Z0
	VMOVDQA64 Z0, Z1
	LEAQ 64(SI), AX
	MOVQ $255, CX
minmax512:
	VPMINUB (AX), Z0, Z0
	VPMAXUB (AX), Z1, Z1
	ADDQ $64, AX
	DECQ CX
	JNZ  minmax512
	HREDUCE(VPMINUB, Z0, Y0, X0, Y2, X2, BX)
	HREDUCE(VPMAXUB, Z1, Y1, X1, Y2, X2, R9)
	CMPQ R9, $63 // registers are below 64: never index past hist
	JBE  2(PC)
	MOVQ $63, R9
	VPBROADCASTQ ones8<>(SB), Z14
	VPXORQ Z15, Z15, Z15
value512:
	VPBROADCASTB BX, Z2
	VPXORQ Z4, Z4, Z4
	VPXORQ Z5, Z5, Z5
	VPXORQ Z6, Z6, Z6
	VPXORQ Z7, Z7, Z7
	MOVQ SI, AX
	MOVQ $64, CX
count512:
	VPCMPEQB (AX), Z2, K1
	VPCMPEQB 64(AX), Z2, K2
	VPCMPEQB 128(AX), Z2, K3
	VPCMPEQB 192(AX), Z2, K4
	VPADDB Z14, Z4, K1, Z4
	VPADDB Z14, Z5, K2, Z5
	VPADDB Z14, Z6, K3, Z6
	VPADDB Z14, Z7, K4, Z7
	ADDQ $256, AX
	DECQ CX
	JNZ  count512
	VPADDB Z5, Z4, Z4 // at most 128 per byte
	VPADDB Z7, Z6, Z6
	VPSADBW Z15, Z4, Z4
	VPSADBW Z15, Z6, Z6
	VPADDQ Z6, Z4, Z4
	VEXTRACTI64X4 $1, Z4, Y5
	VPADDQ Y5, Y4, Y4
	VEXTRACTI128 $1, Y4, X5
	VPADDQ X5, X4, X4
	VPSRLDQ $8, X4, X5
	VPADDQ X5, X4, X4
	VMOVQ X4, AX
	ADDQ AX, (DI)(BX*8)
	INCQ BX
	CMPQ BX, R9
	JBE  value512
	VZEROUPPER
	RET

// func histAVX2(raw *Raw, hist *[64]int)
// histAVX512 with 32-byte vectors: equal bytes compare to -1, which is
// subtracted from four byte accumulators (at most 128 each).
TEXT ·histAVX2(SB), NOSPLIT, $0-16
	MOVQ raw+0(FP), SI
	MOVQ hist+8(FP), DI
	VMOVDQU (SI), Y0
	VMOVDQA Y0, Y1
	LEAQ 32(SI), AX
	MOVQ $511, CX
minmax256:
	VPMINUB (AX), Y0, Y0
	VPMAXUB (AX), Y1, Y1
	ADDQ $32, AX
	DECQ CX
	JNZ  minmax256
	VEXTRACTI128 $1, Y0, X2
	VPMINUB X2, X0, X0
	VPSRLDQ $8, X0, X2
	VPMINUB X2, X0, X0
	VPSRLDQ $4, X0, X2
	VPMINUB X2, X0, X0
	VPSRLDQ $2, X0, X2
	VPMINUB X2, X0, X0
	VPSRLDQ $1, X0, X2
	VPMINUB X2, X0, X0
	VPEXTRB $0, X0, BX
	VEXTRACTI128 $1, Y1, X2
	VPMAXUB X2, X1, X1
	VPSRLDQ $8, X1, X2
	VPMAXUB X2, X1, X1
	VPSRLDQ $4, X1, X2
	VPMAXUB X2, X1, X1
	VPSRLDQ $2, X1, X2
	VPMAXUB X2, X1, X1
	VPSRLDQ $1, X1, X2
	VPMAXUB X2, X1, X1
	VPEXTRB $0, X1, R9
	CMPQ R9, $63 // registers are below 64: never index past hist
	JBE  2(PC)
	MOVQ $63, R9
	VPXOR Y15, Y15, Y15
value256:
	MOVQ BX, X2
	VPBROADCASTB X2, Y2
	VPXOR Y4, Y4, Y4
	VPXOR Y5, Y5, Y5
	VPXOR Y6, Y6, Y6
	VPXOR Y7, Y7, Y7
	MOVQ SI, AX
	MOVQ $128, CX
count256:
	VPCMPEQB (AX), Y2, Y8
	VPCMPEQB 32(AX), Y2, Y9
	VPCMPEQB 64(AX), Y2, Y10
	VPCMPEQB 96(AX), Y2, Y11
	VPSUBB Y8, Y4, Y4
	VPSUBB Y9, Y5, Y5
	VPSUBB Y10, Y6, Y6
	VPSUBB Y11, Y7, Y7
	ADDQ $128, AX
	DECQ CX
	JNZ  count256
	VPSADBW Y15, Y4, Y4
	VPSADBW Y15, Y5, Y5
	VPSADBW Y15, Y6, Y6
	VPSADBW Y15, Y7, Y7
	VPADDQ Y5, Y4, Y4
	VPADDQ Y7, Y6, Y6
	VPADDQ Y6, Y4, Y4
	VEXTRACTI128 $1, Y4, X5
	VPADDQ X5, X4, X4
	VPSRLDQ $8, X4, X5
	VPADDQ X5, X4, X4
	VMOVQ X4, AX
	ADDQ AX, (DI)(BX*8)
	INCQ BX
	CMPQ BX, R9
	JBE  value256
	VZEROUPPER
	RET
