package resp

import "bytes"

// SplitArgs splits a line into arguments with Valkey's sdssplitargs rules:
// blanks separate words; inside "double quotes" the escapes \n \r \t \b \a,
// \xHH and \<any> are decoded; inside 'single quotes' only \' is. A quote
// closes back into the same word ("a"b is ab). Like the C original, the
// line ends at a NUL byte. ok is false on an unterminated quote.
func SplitArgs(line []byte) (args [][]byte, ok bool) {
	if i := bytes.IndexByte(line, 0); i >= 0 {
		line = line[:i]
	}
	p := 0
	for {
		for p < len(line) && isSpace(line[p]) {
			p++
		}
		if p >= len(line) {
			return args, true
		}
		cur := []byte{}
		inDQ, inSQ := false, false
	word:
		for {
			if p >= len(line) {
				if inDQ || inSQ {
					return nil, false
				}
				break
			}
			c := line[p]
			switch {
			case inDQ:
				if c == '\\' && p+3 < len(line) && line[p+1] == 'x' && isHex(line[p+2]) && isHex(line[p+3]) {
					cur = append(cur, hexVal(line[p+2])<<4|hexVal(line[p+3]))
					p += 3
				} else if c == '\\' && p+1 < len(line) {
					p++
					cur = append(cur, unescape(line[p]))
				} else if c == '"' {
					inDQ = false
				} else {
					cur = append(cur, c)
				}
			case inSQ:
				if c == '\\' && p+1 < len(line) && line[p+1] == '\'' {
					p++
					cur = append(cur, '\'')
				} else if c == '\'' {
					inSQ = false
				} else {
					cur = append(cur, c)
				}
			default:
				switch c {
				case ' ', '\n', '\r', '\t':
					p++
					break word
				case '"':
					inDQ = true
				case '\'':
					inSQ = true
				default:
					cur = append(cur, c)
				}
			}
			p++
		}
		args = append(args, cur)
	}
}

func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case 'b':
		return '\b'
	case 'a':
		return '\a'
	}
	return c
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v'
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func hexVal(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
