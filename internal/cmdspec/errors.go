package cmdspec

// The client-visible errors about commands themselves, spelled as Valkey 9
// spells them (server.c commandCheckExistence, commandCheckArity and
// getKeysSubcommandImpl). Each text carries its code; the fixed ones are
// constants and the ones quoting the request are built by functions.

// COMMAND GETKEYS / GETKEYSANDFLAGS errors.
const (
	MsgInvalidCommand   = "ERR Invalid command specified"
	MsgNoKeyArguments   = "ERR The command has no key arguments"
	MsgInvalidArgCount  = "ERR Invalid number of arguments specified for command"
	MsgInvalidArguments = "ERR Invalid arguments specified for command"
)

// UnknownCommandError is the error for a request whose command LookupArgs
// did not find. If args[0] is a container and a subcommand was given:
//
//	ERR unknown subcommand '<sub>'. Try <CONTAINER> HELP.
//
// otherwise:
//
//	ERR unknown command '<name>', with args beginning with: '<a1>' '<a2>'
//
// where each quoted argument is followed by a space, the last one too. As
// in Valkey, the name and the subcommand are cut to 128 bytes, the quoted
// arguments stop once their text reaches 128 bytes (the last one cut to
// fit), every argument ends at its first NUL byte (they are C strings
// there), and CR and LF become spaces.
func UnknownCommandError(args [][]byte) string {
	if len(args) == 0 {
		return "ERR unknown command '', with args beginning with: "
	}
	var b []byte
	if len(args) >= 2 {
		if s := Lookup(args[0]); s != nil && len(s.Subcommands) > 0 {
			b = append(b, "ERR unknown subcommand '"...)
			b = append(b, cut(cstr(args[1]), 128)...)
			b = append(b, "'. Try "...)
			for _, c := range cstr(args[0]) {
				if 'a' <= c && c <= 'z' {
					c -= 'a' - 'A'
				}
				b = append(b, c)
			}
			b = append(b, " HELP."...)
			return mapCRLF(b)
		}
	}
	return UnknownCommandNameError(args)
}

// UnknownCommandNameError is the "unknown command" form of
// UnknownCommandError even when args[0] names a container: the reply for a
// command Valkey has but this server does not implement, which must look
// exactly like Valkey's reply for a command it does not know.
func UnknownCommandNameError(args [][]byte) string {
	if len(args) == 0 {
		return "ERR unknown command '', with args beginning with: "
	}
	var b []byte
	b = append(b, "ERR unknown command '"...)
	b = append(b, cut(cstr(args[0]), 128)...)
	b = append(b, "', with args beginning with: "...)
	quoted := 0 // length of the quoted-arguments part
	for _, a := range args[1:] {
		if quoted >= 128 {
			break
		}
		a = cut(cstr(a), 128-quoted)
		b = append(b, '\'')
		b = append(b, a...)
		b = append(b, '\'', ' ')
		quoted += len(a) + 3
	}
	return mapCRLF(b)
}

// ArityError is the error for a request with the wrong number of
// arguments for s, naming it by its full name ("client|kill").
func ArityError(s *Spec) string {
	return "ERR wrong number of arguments for '" + s.Name + "' command"
}

// SubcommandSyntaxError is the error a container's handler gives for a
// subcommand it does not know or that has the wrong number of arguments
// (Valkey's addReplySubcommandSyntaxError); args[0] is the container and
// args[1] the subcommand.
func SubcommandSyntaxError(args [][]byte) string {
	var b []byte
	b = append(b, "ERR unknown subcommand or wrong number of arguments for '"...)
	if len(args) > 1 {
		b = append(b, cut(cstr(args[1]), 128)...)
	}
	b = append(b, "'. Try "...)
	if len(args) > 0 {
		for _, c := range cstr(args[0]) {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			b = append(b, c)
		}
	}
	b = append(b, " HELP."...)
	return mapCRLF(b)
}

// cstr is b up to its first NUL byte.
func cstr(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}

func cut(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// mapCRLF turns CR and LF into spaces so the error stays one line.
func mapCRLF(b []byte) string {
	for i, c := range b {
		if c == '\r' || c == '\n' {
			b[i] = ' '
		}
	}
	return string(b)
}
