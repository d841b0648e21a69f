package cmdspec

import (
	"errors"
	"math"

	"petrel/internal/num"
)

// KeyPos is a key argument: its index in the request (the command name is
// index 0) and how the command uses it. Flags are 0 where Valkey's getkeys
// procedure does not report them.
type KeyPos struct {
	Pos   int
	Flags KeyFlag
}

// ErrKeyArgs means the arguments are malformed so that the keys cannot be
// found (a bad key count, a missing STREAMS, ...), for a command that
// needs keys. The command's handler will reject the request; COMMAND
// GETKEYS answers MsgInvalidArguments.
var ErrKeyArgs = errors.New("cmdspec: key arguments cannot be found")

// KeyIndexes appends to dst the keys of the request args (args[0] is the
// command name; for a subcommand args[1] is its name) and returns the
// extended slice. The result is what Valkey's COMMAND GETKEYSANDFLAGS
// reports, in the same order: the key specs when they are complete and
// their flags fixed, else the command's getkeys procedure.
//
// KeyIndexes does not allocate unless dst is too small. It returns
// ErrKeyArgs (and dst unchanged) when it finds no keys for a command that
// must have some, or when args has the wrong arity (which the caller
// should have rejected first, as Valkey's dispatcher does).
func (s *Spec) KeyIndexes(args [][]byte, dst []KeyPos) ([]KeyPos, error) {
	start := len(dst)
	if !s.CheckArity(len(args)) {
		return dst, ErrKeyArgs
	}
	dst = s.keys(args, dst)
	if len(dst) == start && s.Flags&FlagNoMandatoryKeys == 0 && s.HasKeys() {
		return dst, ErrKeyArgs
	}
	return dst, nil
}

// keys is Valkey's getKeysFromCommandWithSpecs.
func (s *Spec) keys(args [][]byte, dst []KeyPos) []KeyPos {
	var union, missing KeyFlag // flags some spec has, flags some spec lacks
	for i := range s.KeySpecs {
		union |= s.KeySpecs[i].Flags
		missing |= ^s.KeySpecs[i].Flags
	}
	hasKeySpec := missing&KeyNotKey != 0 // some spec is a real key
	if hasKeySpec && union&KeyVariableFlags == 0 {
		if out, ok := s.keysFromSpecs(args, dst); ok {
			return out
		}
	}
	return s.keysFromProc(args, dst)
}

// keysFromSpecs is Valkey's getKeysUsingKeySpecs (default search flags: no
// not_key specs, no partial results). ok is false when a spec is unknown,
// incomplete or does not fit the arguments; dst is then unchanged.
//
// Valkey computes in C int (32 bits); the key count is truncated to int as
// it does, so huge counts behave the same.
func (s *Spec) keysFromSpecs(args [][]byte, dst []KeyPos) (out []KeyPos, ok bool) {
	start := len(dst)
	argc := len(args)
	for k := range s.KeySpecs {
		ks := &s.KeySpecs[k]
		if ks.Flags&KeyNotKey != 0 {
			continue
		}
		first := 0
		switch ks.BeginSearch.Kind {
		case SearchIndex:
			first = ks.BeginSearch.Pos
		case SearchKeyword:
			first = searchKeyword(args, ks.BeginSearch.Keyword, ks.BeginSearch.StartFrom)
			if first == 0 {
				continue // keyword absent: no keys from this spec
			}
		default:
			return dst[:start], false
		}

		var last, step int
		switch fk := &ks.FindKeys; fk.Kind {
		case FindRange:
			step = fk.KeyStep
			switch {
			case fk.LastKey >= 0:
				last = first + fk.LastKey
			case fk.Limit == 0:
				last = argc + fk.LastKey
			default:
				last = first + ((argc-first)/fk.Limit + fk.LastKey)
			}
		case FindKeynum:
			step = fk.KeyStep
			idx := first + fk.KeyNumIdx
			if fk.KeyNumIdx >= argc || idx >= argc {
				return dst[:start], false
			}
			n, ok := num.ParseInt(args[idx])
			if !ok || n < 0 {
				return dst[:start], false
			}
			first += fk.FirstKey
			last = int(int32(first) + int32(n) - 1) // C: first + (int)numkeys - 1
		default:
			return dst[:start], false
		}

		if last >= argc || last < first || first >= argc || step < 1 {
			return dst[:start], false
		}
		for i := first; i <= last; i += step {
			dst = append(dst, KeyPos{Pos: i, Flags: ks.Flags})
		}
		if ks.Flags&KeyIncomplete != 0 {
			return dst[:start], false
		}
	}
	return dst, true
}

// searchKeyword returns the index after the keyword, or 0. Like Valkey it
// searches forward from startFrom up to, but not including, the last
// argument; or backward from argc+startFrom down to, but not including,
// argument 1.
func searchKeyword(args [][]byte, keyword string, startFrom int) int {
	argc := len(args)
	from, end := startFrom, argc-1
	if startFrom <= 0 {
		from, end = argc+startFrom, 1
	}
	dir := 1
	if from > end {
		dir = -1
	}
	for i := from; i != end; i += dir {
		if i >= argc || i < 1 {
			break
		}
		if cstrEqualFold(args[i], keyword) {
			return i + 1
		}
	}
	return 0
}

// keysFromProc runs the command's getkeys procedure, if any.
func (s *Spec) keysFromProc(args [][]byte, dst []KeyPos) []KeyPos {
	switch s.KeysProc {
	case KeysProcSintercard, KeysProcZunionInterDiff, KeysProcLmpop, KeysProcZmpop:
		return genericKeys(args, dst, 0, 1, 2, 1)
	case KeysProcZunionInterDiffStore:
		return genericKeys(args, dst, 1, 2, 3, 1)
	case KeysProcEval, KeysProcFunction, KeysProcBlmpop, KeysProcBzmpop:
		return genericKeys(args, dst, 0, 2, 3, 1)
	case KeysProcSortRO:
		return append(dst, KeyPos{1, KeyRO | KeyAccess})
	case KeysProcSort:
		return sortKeys(args, dst)
	case KeysProcMigrate:
		return migrateKeys(args, dst)
	case KeysProcGeoradius:
		return georadiusKeys(args, dst)
	case KeysProcXread:
		return xreadKeys(args, dst)
	case KeysProcSet:
		return setKeys(args, dst)
	case KeysProcBitfield:
		return bitfieldKeys(args, dst)
	}
	return dst
}

// genericKeys handles "CMD [dest] numkeys key ... options": store is the
// index of the destination key (0: none), count the index of numkeys,
// first the index of the first key. The count is read with C atoi, and a
// count below 1 or beyond the arguments yields no keys. The destination
// comes last, as in Valkey.
func genericKeys(args [][]byte, dst []KeyPos, store, count, first, step int) []KeyPos {
	if count >= len(args) {
		return dst
	}
	n := atoi(args[count])
	if n < 1 || n > (len(args)-first)/step {
		return dst
	}
	for i := 0; i < n; i++ {
		dst = append(dst, KeyPos{Pos: first + i*step})
	}
	if store != 0 {
		dst = append(dst, KeyPos{Pos: store})
	}
	return dst
}

// sortKeys: the sorted key, then the destination of the last STORE, if
// any. LIMIT skips two arguments, GET and BY one.
func sortKeys(args [][]byte, dst []KeyPos) []KeyPos {
	dst = append(dst, KeyPos{1, KeyRO | KeyAccess})
	store := 0
	for i := 2; i < len(args); i++ {
		a := args[i]
		switch {
		case cstrEqualFold(a, "limit"):
			i += 2
		case cstrEqualFold(a, "store") && i+1 < len(args):
			store = i + 1
		case cstrEqualFold(a, "get"), cstrEqualFold(a, "by"):
			i++
		}
	}
	if store != 0 {
		dst = append(dst, KeyPos{store, KeyOW | KeyUpdate})
	}
	return dst
}

// migrateKeys: the key at index 3, or the keys after KEYS (which requires
// an empty key at index 3; otherwise no keys).
func migrateKeys(args [][]byte, dst []KeyPos) []KeyPos {
	first, n := 3, 1
	if len(args) > 6 {
	scan:
		for i := 6; i < len(args); i++ {
			a := args[i]
			switch {
			case cstrEqualFold(a, "keys"):
				if len(args[3]) > 0 {
					n = 0
				} else {
					first = i + 1
					n = len(args) - first
				}
				break scan
			case cstrEqualFold(a, "auth"):
				i++
			case cstrEqualFold(a, "auth2"):
				i += 2
			}
		}
	}
	for i := 0; i < n; i++ {
		dst = append(dst, KeyPos{first + i, KeyRW | KeyAccess | KeyDelete})
	}
	return dst
}

// georadiusKeys: the key, then the last STORE or STOREDIST destination.
func georadiusKeys(args [][]byte, dst []KeyPos) []KeyPos {
	stored := -1
	for i := 5; i < len(args); i++ {
		a := args[i]
		if (cstrEqualFold(a, "store") || cstrEqualFold(a, "storedist")) && i+1 < len(args) {
			stored = i + 1
			i++
		}
	}
	dst = append(dst, KeyPos{Pos: 1})
	if stored != -1 {
		dst = append(dst, KeyPos{Pos: stored})
	}
	return dst
}

// xreadKeys: after the options (BLOCK n, COUNT n, GROUP g c, NOACK),
// STREAMS is followed by as many keys as IDs.
func xreadKeys(args [][]byte, dst []KeyPos) []KeyPos {
	streams := -1
loop:
	for i := 1; i < len(args); i++ {
		a := args[i]
		switch {
		case cstrEqualFold(a, "block"), cstrEqualFold(a, "count"):
			i++
		case cstrEqualFold(a, "group"):
			i += 2
		case cstrEqualFold(a, "noack"):
		case cstrEqualFold(a, "streams"):
			streams = i
			break loop
		default:
			break loop
		}
	}
	if streams == -1 {
		return dst
	}
	n := len(args) - streams - 1
	if n == 0 || n%2 != 0 {
		return dst
	}
	n /= 2
	for i := streams + 1; i < len(args)-n; i++ {
		dst = append(dst, KeyPos{Pos: i})
	}
	return dst
}

// setKeys: SET's key is read too when the GET option is given.
func setKeys(args [][]byte, dst []KeyPos) []KeyPos {
	for i := 3; i < len(args); i++ {
		if cstrEqualFold(args[i], "get") {
			return append(dst, KeyPos{1, KeyRW | KeyAccess | KeyUpdate})
		}
	}
	return append(dst, KeyPos{1, KeyOW | KeyUpdate})
}

// bitfieldKeys: BITFIELD's key is read-only when every operation is GET
// (or OVERFLOW); a SET, INCRBY or syntax error makes it read-write.
func bitfieldKeys(args [][]byte, dst []KeyPos) []KeyPos {
	readonly := true
	for i := 2; i < len(args); i++ {
		rem := len(args) - i - 1
		a := args[i]
		switch {
		case cstrEqualFold(a, "get") && rem >= 2:
			i += 2
		case (cstrEqualFold(a, "set") || cstrEqualFold(a, "incrby")) && rem >= 3:
			readonly = false
			i = len(args)
		case cstrEqualFold(a, "overflow") && rem >= 1:
			i++
		default:
			readonly = false
			i = len(args)
		}
	}
	if readonly {
		return append(dst, KeyPos{1, KeyRO | KeyAccess})
	}
	return append(dst, KeyPos{1, KeyRW | KeyAccess | KeyUpdate})
}

// cstrEqualFold compares an argument with the ASCII keyword ignoring case,
// as C strcasecmp does on Valkey's NUL-terminated arguments: the argument
// ends at its first NUL byte.
func cstrEqualFold(a []byte, kw string) bool {
	if len(a) < len(kw) || (len(a) > len(kw) && a[len(kw)] != 0) {
		return false
	}
	for i := 0; i < len(kw); i++ {
		if lower(a[i]) != lower(kw[i]) {
			return false
		}
	}
	return true
}

// atoi is C atoi as glibc implements it: (int)strtol(s, NULL, 10). Leading
// white space and a sign are accepted, parsing stops at the first
// non-digit, out-of-range values clamp to the long range and the cast to
// int keeps the low 32 bits.
func atoi(b []byte) int {
	i := 0
	for i < len(b) && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	var v uint64
	over := false
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		if v > (math.MaxUint64-9)/10 {
			over = true
			continue
		}
		v = v*10 + uint64(b[i]-'0')
	}
	var n int64
	switch {
	case neg && (over || v > 1<<63):
		n = math.MinInt64
	case neg:
		n = int64(-v)
	case over || v > math.MaxInt64:
		n = math.MaxInt64
	default:
		n = int64(v)
	}
	return int(int32(n))
}
