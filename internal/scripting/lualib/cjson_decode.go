package lualib

// cjson.decode: cjson's tokenizer and recursive-descent parser. The input
// is read as the C code reads it, a NUL-terminated string: an embedded NUL
// ends the document like the end of input does. Error messages name the
// expected item, the token found and its 1-based byte position.

import (
	lua "github.com/yuin/gopher-lua"
)

type jsonToken int

const (
	tokObjBegin jsonToken = iota
	tokObjEnd
	tokArrBegin
	tokArrEnd
	tokString
	tokNumber
	tokBoolean
	tokNull
	tokColon
	tokComma
	tokEnd
	tokWhitespace
	tokError
	tokUnknown
)

// jsonTokenNames are the names error messages use for tokens.
var jsonTokenNames = [...]string{
	"T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END", "T_STRING",
	"T_NUMBER", "T_BOOLEAN", "T_NULL", "T_COLON", "T_COMMA", "T_END",
	"T_WHITESPACE", "T_ERROR", "T_UNKNOWN",
}

// jsonCharTokens is cjson's ch2token table.
var jsonCharTokens = func() [256]jsonToken {
	var t [256]jsonToken
	for i := range t {
		t[i] = tokError
	}
	t['{'], t['}'], t['['], t[']'] = tokObjBegin, tokObjEnd, tokArrBegin, tokArrEnd
	t[','], t[':'], t[0] = tokComma, tokColon, tokEnd
	t[' '], t['\t'], t['\n'], t['\r'] = tokWhitespace, tokWhitespace, tokWhitespace, tokWhitespace
	for _, c := range "fiInNt\"+-0123456789" {
		t[c] = tokUnknown
	}
	return t
}()

// jsonUnescapes is cjson's escape2char table (0: invalid escape).
var jsonUnescapes = func() [256]byte {
	var t [256]byte
	t['"'], t['\\'], t['/'] = '"', '\\', '/'
	t['b'], t['t'], t['n'], t['f'], t['r'] = '\b', '\t', '\n', '\f', '\r'
	t['u'] = 'u'
	return t
}()

type jsonTok struct {
	typ   jsonToken
	index int // 0-based byte offset where the token (or error) is
	str   string
	num   float64
	b     bool
	err   string // for tokError
}

type jsonParser struct {
	L     *lua.LState
	cfg   *cjsonConfig
	null  lua.LValue
	data  string
	pos   int
	depth int
	tmp   []byte
}

func cjsonDecode(L *lua.LState, cfg *cjsonConfig, null lua.LValue) int {
	if L.GetTop() != 1 {
		argError(L, 1, "expected 1 argument")
	}
	data := checkString(L, 1)
	// Only the first character of JSON text is sure to be ASCII; a NUL in
	// the first two bytes means UTF-16 or UTF-32.
	if len(data) >= 2 && (data[0] == 0 || data[1] == 0) {
		raise(L, "JSON parser does not support UTF-16 or UTF-32")
	}
	p := jsonParser{L: L, cfg: cfg, null: null, data: data}
	tok := p.next()
	// The decoded string argument is the one slot on the C stack.
	v := p.value(&tok, 1)
	tok = p.next()
	if tok.typ != tokEnd {
		p.fail("the end", &tok)
	}
	L.Push(v)
	return 1
}

// at is the byte at i, with the C string's terminating NUL past the end.
func (p *jsonParser) at(i int) byte {
	if i < len(p.data) {
		return p.data[i]
	}
	return 0
}

func (p *jsonParser) fail(expected string, tok *jsonTok) {
	found := jsonTokenNames[tok.typ]
	if tok.typ == tokError {
		found = tok.err
	}
	raise(p.L, "Expected %s but found %s at character %d", expected, found, tok.index+1)
}

func (p *jsonParser) tokenError(tok *jsonTok, msg string) {
	tok.typ = tokError
	tok.index = p.pos
	tok.err = msg
}

// next is json_next_token.
func (p *jsonParser) next() jsonTok {
	var tok jsonTok
	var ch byte
	for {
		ch = p.at(p.pos)
		tok.typ = jsonCharTokens[ch]
		if tok.typ != tokWhitespace {
			break
		}
		p.pos++
	}
	tok.index = p.pos
	switch tok.typ {
	case tokError:
		p.tokenError(&tok, "invalid token")
		return tok
	case tokEnd:
		return tok
	case tokUnknown:
	default:
		p.pos++
		return tok
	}
	rest := p.data[p.pos:]
	switch {
	case ch == '"':
		p.stringToken(&tok)
	case ch == '-' || isDigit(ch):
		if p.cfg.decodeInvalidNumbers == 0 && p.invalidNumber() {
			p.tokenError(&tok, "invalid number")
			return tok
		}
		p.numberToken(&tok)
	case len(rest) >= 4 && rest[:4] == "true":
		tok.typ, tok.b = tokBoolean, true
		p.pos += 4
	case len(rest) >= 5 && rest[:5] == "false":
		tok.typ, tok.b = tokBoolean, false
		p.pos += 5
	case len(rest) >= 4 && rest[:4] == "null":
		tok.typ = tokNull
		p.pos += 4
	case p.cfg.decodeInvalidNumbers != 0 && p.invalidNumber():
		// Inf, NaN, hex and '+' numbers, accepted in this mode.
		p.numberToken(&tok)
	default:
		p.tokenError(&tok, "invalid token")
	}
	return tok
}

// invalidNumber is json_is_invalid_number: numbers strtod takes but
// strict JSON does not (leading '+', hex, leading zeros, inf, nan).
func (p *jsonParser) invalidNumber() bool {
	i := p.pos
	if p.at(i) == '+' {
		return true
	}
	if p.at(i) == '-' {
		i++
	}
	if c := p.at(i); c == '0' {
		c2 := p.at(i + 1)
		return c2|0x20 == 'x' || isDigit(c2)
	} else if c <= '9' {
		return false
	}
	rest := p.data[i:]
	return hasPrefixFold(rest, "inf") || hasPrefixFold(rest, "nan")
}

func (p *jsonParser) numberToken(tok *jsonTok) {
	// strtod stops at a NUL like at any other byte no number contains.
	v, n := strtod(p.data[p.pos:])
	if n == 0 {
		p.tokenError(tok, "invalid number")
		return
	}
	tok.typ = tokNumber
	tok.num = v
	p.pos += n
}

// stringToken is json_next_string_token; p.pos is at the opening quote.
func (p *jsonParser) stringToken(tok *jsonTok) {
	p.pos++
	p.tmp = p.tmp[:0]
	for {
		ch := p.at(p.pos)
		if ch == '"' {
			break
		}
		if ch == 0 {
			p.tokenError(tok, "unexpected end of string")
			return
		}
		if ch == '\\' {
			ch = jsonUnescapes[p.at(p.pos+1)]
			if ch == 'u' {
				if p.unicodeEscape() {
					continue
				}
				p.tokenError(tok, "invalid unicode escape code")
				return
			}
			if ch == 0 {
				p.tokenError(tok, "invalid escape code")
				return
			}
			p.pos++
		}
		p.tmp = append(p.tmp, ch)
		p.pos++
	}
	p.pos++
	tok.typ = tokString
	tok.str = string(p.tmp)
}

// hex4 is decode_hex4 at offset i: four hex digits, or -1.
func (p *jsonParser) hex4(i int) int {
	v := 0
	for k := 0; k < 4; k++ {
		c := p.at(i + k)
		var d int
		switch {
		case isDigit(c):
			d = int(c - '0')
		case (c|0x20) >= 'a' && (c|0x20) <= 'f':
			d = int(c|0x20-'a') + 10
		default:
			return -1
		}
		v = v<<4 | d
	}
	return v
}

// unicodeEscape is json_append_unicode_escape: p.pos is at the backslash
// of \uXXXX (or of a \uXXXX\uXXXX surrogate pair). It appends the UTF-8
// encoding and reports success.
func (p *jsonParser) unicodeEscape() bool {
	cp := p.hex4(p.pos + 2)
	if cp < 0 {
		return false
	}
	escapeLen := 6
	if cp&0xF800 == 0xD800 {
		if cp&0x400 != 0 {
			return false // a low surrogate first
		}
		if p.at(p.pos+6) != '\\' || p.at(p.pos+7) != 'u' {
			return false
		}
		low := p.hex4(p.pos + 8)
		if low < 0 || low&0xFC00 != 0xDC00 {
			return false
		}
		cp = ((cp&0x3FF)<<10 | low&0x3FF) + 0x10000
		escapeLen = 12
	}
	switch {
	case cp <= 0x7F:
		p.tmp = append(p.tmp, byte(cp))
	case cp <= 0x7FF:
		p.tmp = append(p.tmp, byte(cp>>6)|0xC0, byte(cp&0x3F)|0x80)
	case cp <= 0xFFFF:
		p.tmp = append(p.tmp, byte(cp>>12)|0xE0, byte(cp>>6&0x3F)|0x80, byte(cp&0x3F)|0x80)
	default:
		p.tmp = append(p.tmp, byte(cp>>18)|0xF0, byte(cp>>12&0x3F)|0x80, byte(cp>>6&0x3F)|0x80, byte(cp&0x3F)|0x80)
	}
	p.pos += escapeLen
	return true
}

// descend is json_decode_descend: one more nesting level, which needs
// slots free stack slots above top.
func (p *jsonParser) descend(top, slots int) {
	p.depth++
	if int64(p.depth) <= int64(p.cfg.decodeMaxDepth) && checkStack(top, slots) {
		return
	}
	raise(p.L, "Found too many nested data structures (%d) at character %d", p.depth, p.pos)
}

// value is json_process_value; top is the C stack use before the value
// is pushed.
func (p *jsonParser) value(tok *jsonTok, top int) lua.LValue {
	switch tok.typ {
	case tokString:
		return lua.LString(tok.str)
	case tokNumber:
		return lua.LNumber(tok.num)
	case tokBoolean:
		return lua.LBool(tok.b)
	case tokObjBegin:
		return p.object(top)
	case tokArrBegin:
		return p.array(top)
	case tokNull:
		return p.null
	}
	p.fail("value", tok)
	return nil
}

func (p *jsonParser) object(top int) lua.LValue {
	// table, key, value
	p.descend(top, 3)
	t := p.L.CreateTable(0, 0)
	tok := p.next()
	if tok.typ == tokObjEnd {
		p.depth--
		return t
	}
	for {
		if tok.typ != tokString {
			p.fail("object key string", &tok)
		}
		key := tok.str
		tok = p.next()
		if tok.typ != tokColon {
			p.fail("colon", &tok)
		}
		tok = p.next()
		t.RawSetString(key, p.value(&tok, top+2))
		tok = p.next()
		if tok.typ == tokObjEnd {
			p.depth--
			return t
		}
		if tok.typ != tokComma {
			p.fail("comma or object end", &tok)
		}
		tok = p.next()
	}
}

func (p *jsonParser) array(top int) lua.LValue {
	// table, value
	p.descend(top, 2)
	t := p.L.CreateTable(0, 0)
	tok := p.next()
	if tok.typ == tokArrEnd {
		p.depth--
		return t
	}
	for i := 1; ; i++ {
		t.RawSetInt(i, p.value(&tok, top+1))
		tok = p.next()
		if tok.typ == tokArrEnd {
			p.depth--
			return t
		}
		if tok.typ != tokComma {
			p.fail("comma or array end", &tok)
		}
		tok = p.next()
	}
}
