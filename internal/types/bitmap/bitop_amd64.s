#include "textflag.h"

// func andAVX2(dst, src *byte, n int)
// dst[i] &= src[i] for n blocks of 32 bytes (orAVX2, xorAVX2 likewise;
// notAVX2 complements dst).
TEXT ·andAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	TESTQ CX, CX
	JZ   and_done
and_loop:
	VMOVDQU (SI), Y0
	VPAND   (DI), Y0, Y0
	VMOVDQU Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  and_loop
and_done:
	VZEROUPPER
	RET

TEXT ·orAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	TESTQ CX, CX
	JZ   or_done
or_loop:
	VMOVDQU (SI), Y0
	VPOR    (DI), Y0, Y0
	VMOVDQU Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  or_loop
or_done:
	VZEROUPPER
	RET

TEXT ·xorAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	TESTQ CX, CX
	JZ   xor_done
xor_loop:
	VMOVDQU (SI), Y0
	VPXOR   (DI), Y0, Y0
	VMOVDQU Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  xor_loop
xor_done:
	VZEROUPPER
	RET

// func notAVX2(dst *byte, n int)
TEXT ·notAVX2(SB), NOSPLIT, $0-16
	MOVQ dst+0(FP), DI
	MOVQ n+8(FP), CX
	TESTQ CX, CX
	JZ   not_done
	VPCMPEQB Y1, Y1, Y1
not_loop:
	VPXOR   (DI), Y1, Y0
	VMOVDQU Y0, (DI)
	ADDQ $32, DI
	DECQ CX
	JNZ  not_loop
not_done:
	VZEROUPPER
	RET
