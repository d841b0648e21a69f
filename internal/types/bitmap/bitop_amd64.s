#include "textflag.h"

// func andAVX2(dst, a, b *byte, n int), and orAVX2, xorAVX2 likewise:
// dst = a op b for n blocks of 32 bytes. dst may be a.
#define BINARY_AVX2(name, INSN) \
TEXT name(SB), NOSPLIT, $0-32 \
	MOVQ dst+0(FP), DI \
	MOVQ a+8(FP), SI \
	MOVQ b+16(FP), DX \
	MOVQ n+24(FP), CX \
	TESTQ CX, CX \
	JZ   done \
loop: \
	VMOVDQU (SI), Y0 \
	INSN (DX), Y0, Y0 \
	VMOVDQU Y0, (DI) \
	ADDQ $32, SI \
	ADDQ $32, DX \
	ADDQ $32, DI \
	DECQ CX \
	JNZ  loop \
done: \
	VZEROUPPER \
	RET

BINARY_AVX2(·andAVX2, VPAND)
BINARY_AVX2(·orAVX2, VPOR)
BINARY_AVX2(·xorAVX2, VPXOR)

// func andAVX512(dst, a, b *byte, n int), and orAVX512, xorAVX512: the
// same for n blocks of 64 bytes.
#define BINARY_AVX512(name, INSN) \
TEXT name(SB), NOSPLIT, $0-32 \
	MOVQ dst+0(FP), DI \
	MOVQ a+8(FP), SI \
	MOVQ b+16(FP), DX \
	MOVQ n+24(FP), CX \
	TESTQ CX, CX \
	JZ   done \
loop: \
	VMOVDQU64 (SI), Z0 \
	INSN (DX), Z0, Z0 \
	VMOVDQU64 Z0, (DI) \
	ADDQ $64, SI \
	ADDQ $64, DX \
	ADDQ $64, DI \
	DECQ CX \
	JNZ  loop \
done: \
	VZEROUPPER \
	RET

BINARY_AVX512(·andAVX512, VPANDQ)
BINARY_AVX512(·orAVX512, VPORQ)
BINARY_AVX512(·xorAVX512, VPXORQ)

// func notAVX2(dst, a *byte, n int): dst = ^a for n blocks of 32 bytes.
TEXT ·notAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ n+16(FP), CX
	TESTQ CX, CX
	JZ   not_done
	VPCMPEQB Y1, Y1, Y1
not_loop:
	VPXOR   (SI), Y1, Y0
	VMOVDQU Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  not_loop
not_done:
	VZEROUPPER
	RET

// func notAVX512(dst, a *byte, n int): dst = ^a for n blocks of 64 bytes.
TEXT ·notAVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ n+16(FP), CX
	TESTQ CX, CX
	JZ   not512_done
	VPTERNLOGQ $0xff, Z1, Z1, Z1 // all ones
not512_loop:
	VPXORQ  (SI), Z1, Z0
	VMOVDQU64 Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  not512_loop
not512_done:
	VZEROUPPER
	RET
