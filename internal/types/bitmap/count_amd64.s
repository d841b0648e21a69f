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
