package glob

// maxNesting bounds how many stars deep a match may recurse. Valkey uses the
// same bound (stringmatchlen_impl: "Protection against abusive patterns"),
// and a match that would need more answers false.
const maxNesting = 1000

// Match reports whether s matches pattern, with exactly the semantics of
// Valkey's stringmatchlen. With nocase, ASCII letters compare without case.
//
// Cost is O(len(pattern) * len(s)) in the worst case: once the text after a
// star fails to match at every remaining position, no earlier star can do
// better, and the whole match fails at once (Valkey's skipLongerMatches).
func Match(pattern, s []byte, nocase bool) bool {
	var giveUp bool
	return match(pattern, s, nocase, &giveUp, 0)
}

// MatchString is Match for strings.
func MatchString(pattern, s string, nocase bool) bool {
	return Match([]byte(pattern), []byte(s), nocase)
}

// match is one level of the star recursion. giveUp is shared by all levels:
// it is set when the rest of a pattern after some star matched nowhere in
// the rest of the string, which settles the whole match as false.
func match(p, s []byte, nocase bool, giveUp *bool, nesting int) bool {
	if nesting > maxNesting {
		return false
	}
	for len(p) > 0 && len(s) > 0 {
		advance := 1 // bytes of pattern consumed by this step, after the switch
		switch p[0] {
		case '*':
			for len(p) > 1 && p[1] == '*' {
				p = p[1:]
			}
			if len(p) == 1 {
				return true
			}
			for len(s) > 0 {
				if match(p[1:], s, nocase, giveUp, nesting+1) {
					return true
				}
				if *giveUp {
					return false
				}
				s = s[1:]
			}
			*giveUp = true
			return false
		case '?':
			s = s[1:]
		case '[':
			var ok bool
			p, ok = matchSet(p[1:], s[0], nocase)
			if !ok {
				return false
			}
			if len(p) == 0 {
				advance = 0 // unterminated set: it ran to the end of the pattern
			}
			s = s[1:]
		case '\\':
			if len(p) >= 2 {
				p = p[1:]
			}
			fallthrough
		default:
			if !equalByte(p[0], s[0], nocase) {
				return false
			}
			s = s[1:]
		}
		p = p[advance:]
		if len(s) == 0 {
			for len(p) > 0 && p[0] == '*' {
				p = p[1:]
			}
			break
		}
	}
	return len(p) == 0 && len(s) == 0
}

// matchSet matches c against the set that starts at p (just after '[').
// It returns the pattern positioned on the closing ']' (or empty when the
// set is unterminated) and whether c is accepted.
func matchSet(p []byte, c byte, nocase bool) ([]byte, bool) {
	negate := len(p) > 0 && p[0] == '^'
	if negate {
		p = p[1:]
	}
	found := false
	for len(p) > 0 && p[0] != ']' {
		switch {
		case len(p) >= 2 && p[0] == '\\':
			p = p[1:]
			if p[0] == c { // escaped bytes compare exactly, even with nocase
				found = true
			}
		case len(p) >= 3 && p[1] == '-':
			// C compares plain chars, which are signed on the platforms
			// Valkey ships for; keep that for bytes >= 0x80.
			lo, hi, x := int(int8(p[0])), int(int8(p[2])), int(int8(c))
			if lo > hi {
				lo, hi = hi, lo
			}
			if nocase {
				lo, hi, x = lowerInt(lo), lowerInt(hi), lowerInt(x)
			}
			if x >= lo && x <= hi {
				found = true
			}
			p = p[2:]
		default:
			if equalByte(p[0], c, nocase) {
				found = true
			}
		}
		p = p[1:]
	}
	return p, found != negate
}

func equalByte(a, b byte, nocase bool) bool {
	if a == b {
		return true
	}
	return nocase && lower(a) == lower(b)
}

// lower is C tolower in the "C" locale, which Valkey never changes for
// LC_CTYPE: only ASCII capitals map.
func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

func lowerInt(c int) int {
	if c >= 'A' && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}
