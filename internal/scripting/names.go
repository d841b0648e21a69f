package scripting

// Variable names in runtime errors. Lua 5.1 says "attempt to call field
// 'execute' (a nil value)" where gopher-lua says "attempt to call a
// non-function object": Lua finds the name by looking at the bytecode that
// loaded the faulty value (ldebug.c getobjname). gopher-lua compiles to
// Lua 5.1's instruction set, so the same reading works; what it lacks is
// access to the failing instruction: the program counter of a frame is in
// an unexported field of lua.Debug. frameOf reads it through a mirror of
// gopher-lua v1.1.2's callFrame (the version go.mod pins), and checks the
// mirror against what GetInfo reported before trusting it: if gopher-lua's
// layout ever changes, errors simply keep their anonymous form
// (TestFrameMirror fails first).

import (
	"unsafe"

	lua "github.com/yuin/gopher-lua"
)

// mirrorFrame has gopher-lua v1.1.2's callFrame layout.
type mirrorFrame struct {
	Idx        int
	Fn         *lua.LFunction
	Parent     *mirrorFrame
	Pc         int
	Base       int
	LocalBase  int
	ReturnBase int
	NArgs      int
	NRet       int
	TailCall   int
}

// frameOf returns the function and the index of the instruction being
// executed by the frame dbg describes (GetInfo "l" already filled), or
// false if that cannot be read reliably.
func frameOf(dbg *lua.Debug) (*lua.FunctionProto, int, bool) {
	fr := *(**mirrorFrame)(unsafe.Pointer(dbg)) // Debug's first field: frame *callFrame
	if fr == nil || fr.Fn == nil || fr.Fn.IsG || fr.Fn.Proto == nil {
		return nil, 0, false
	}
	p := fr.Fn.Proto
	pc := fr.Pc - 1 // Pc was advanced past the failing instruction
	if pc < 0 || pc >= len(p.Code) || pc >= len(p.DbgSourcePositions) || p.DbgSourcePositions[pc] != dbg.CurrentLine {
		return nil, 0, false
	}
	return p, pc, true
}

// gopher-lua's instruction encoding (opcode.go).
func opCode(i uint32) int { return int(i >> 26) }
func argA(i uint32) int   { return int(i>>18) & 0xff }
func argB(i uint32) int   { return int(i & 0x1ff) }
func argC(i uint32) int   { return int(i>>9) & 0x1ff }
func argBx(i uint32) int  { return int(i & 0x3ffff) }

const rkBit = 1 << 8

// localName is the name of the local variable held in register reg at pc
// (luaF_getlocalname), or "".
func localName(p *lua.FunctionProto, reg, pc int) string {
	n := 0
	for _, l := range p.DbgLocals {
		if l.StartPc > pc {
			break
		}
		if pc < l.EndPc {
			if n == reg {
				return l.Name
			}
			n++
		}
	}
	return ""
}

// objName describes what register reg holds at instruction pc, as Lua's
// getobjname: "local 'x'", "global 'x'", "field 'x'", "method 'x'",
// "upvalue 'x'", or "" when it cannot tell.
func objName(p *lua.FunctionProto, pc, reg int, depth int) string {
	if name := localName(p, reg, pc); name != "" {
		return "local '" + name + "'"
	}
	if depth > 8 {
		return ""
	}
	for j := pc - 1; j >= 0; j-- { // the last instruction that set reg
		i := p.Code[j]
		op, a := opCode(i), argA(i)
		switch op {
		case lua.OP_GETGLOBAL:
			if a == reg {
				return kName(p, argBx(i), "global")
			}
		case lua.OP_GETTABLE, lua.OP_GETTABLEKS:
			if a == reg {
				if c := argC(i); c&rkBit != 0 {
					return kName(p, c&^rkBit, "field")
				}
				return ""
			}
		case lua.OP_SELF:
			if a == reg {
				if c := argC(i); c&rkBit != 0 {
					return kName(p, c&^rkBit, "method")
				}
				return ""
			}
			if a+1 == reg {
				return ""
			}
		case lua.OP_GETUPVAL:
			if a == reg {
				if b := argB(i); b < len(p.DbgUpvalues) {
					return "upvalue '" + p.DbgUpvalues[b] + "'"
				}
				return ""
			}
		case lua.OP_MOVE, lua.OP_MOVEN:
			if a == reg {
				if b := argB(i); b < a {
					return objName(p, j, b, depth+1)
				}
				return ""
			}
		case lua.OP_LOADNIL:
			if a <= reg && reg <= argB(i) {
				return ""
			}
		case lua.OP_JMP, lua.OP_EQ, lua.OP_LT, lua.OP_LE, lua.OP_TEST, lua.OP_TESTSET, lua.OP_SETGLOBAL, lua.OP_SETUPVAL,
			lua.OP_SETTABLE, lua.OP_SETTABLEKS:
			// no register written (or control flow: keep looking back)
		case lua.OP_CALL, lua.OP_TAILCALL:
			if reg >= a {
				return "" // a call's results (and its argument registers)
			}
		default:
			if a == reg {
				return ""
			}
		}
	}
	return ""
}

func kName(p *lua.FunctionProto, k int, kind string) string {
	if k < len(p.Constants) {
		if s, ok := p.Constants[k].(lua.LString); ok {
			return kind + " '" + string(s) + "'"
		}
	}
	return ""
}

// describeOperand names the value an instruction operand refers to: a
// register's variable, or "" for constants and unknowns.
func describeOperand(p *lua.FunctionProto, pc, rk int) string {
	if rk&rkBit != 0 {
		return ""
	}
	return objName(p, pc, rk, 0)
}

// nameRuntimeError gives a gopher-lua VM error Lua 5.1's wording with the
// variable involved, when the failing instruction tells it. msg is the
// message without its position. Calls report "a nil value": gopher-lua
// does not say what the callee was, and nil is what it nearly always is.
func nameRuntimeError(p *lua.FunctionProto, pc int, msg string) string {
	i := p.Code[pc]
	withName := func(action, name, typ string) string {
		if name == "" {
			return "attempt to " + action + " a " + typ + " value"
		}
		return "attempt to " + action + " " + name + " (a " + typ + " value)"
	}
	switch m := msg; {
	case m == "attempt to call a non-function object":
		switch opCode(i) {
		case lua.OP_CALL, lua.OP_TAILCALL:
			return withName("call", objName(p, pc, argA(i), 0), "nil")
		}
	case hasPrefix(m, "attempt to index a non-table object("):
		typ := m[len("attempt to index a non-table object("):]
		if k := indexByte(typ, ')'); k >= 0 {
			typ = typ[:k]
		}
		switch opCode(i) {
		case lua.OP_GETTABLE, lua.OP_GETTABLEKS, lua.OP_SELF:
			return withName("index", objName(p, pc, argB(i), 0), typ)
		case lua.OP_SETTABLE, lua.OP_SETTABLEKS:
			return withName("index", objName(p, pc, argA(i), 0), typ)
		}
		return "attempt to index a " + typ + " value"
	case m == "__len undefined":
		if opCode(i) == lua.OP_LEN {
			return withName("get length of", objName(p, pc, argB(i), 0), "nil")
		}
		return "attempt to get length of a nil value"
	case hasPrefix(m, "cannot perform concat operation between "):
		lhs, rhs := operandTypes(m[len("cannot perform concat operation between "):])
		if opCode(i) == lua.OP_CONCAT {
			// Lua blames the first of the pair that is not a string or number.
			b := argB(i)
			reg, typ := b, lhs
			if lhs == "string" || lhs == "number" {
				reg, typ = argC(i), rhs
			}
			return withName("concatenate", objName(p, pc, reg, 0), typ)
		}
	case hasPrefix(m, "cannot perform ") && indexOf(m, " operation between ") > 0:
		lhs, rhs := operandTypes(m[indexOf(m, " operation between ")+len(" operation between "):])
		switch opCode(i) {
		case lua.OP_ADD, lua.OP_SUB, lua.OP_MUL, lua.OP_DIV, lua.OP_MOD, lua.OP_POW:
			rk, typ := argB(i), lhs
			if lhs == "number" || lhs == "string" {
				rk, typ = argC(i), rhs
			}
			return withName("perform arithmetic on", describeOperand(p, pc, rk), typ)
		}
	}
	return lua51Message(msg)
}

func operandTypes(s string) (string, string) {
	k := indexOf(s, " and ")
	if k < 0 {
		return s, s
	}
	return s[:k], s[k+len(" and "):]
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}
