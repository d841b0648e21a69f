// Package errs is the catalogue of client-visible errors. Every error text
// a client can see is spelled here once, with its code ("ERR", "WRONGTYPE",
// ...); data-type operations return these sentinels and handlers turn any
// error into a reply with Text.
package errs

import "errors"

// Error is a client-visible error; its text starts with the error code.
type Error struct{ msg string }

func (e *Error) Error() string { return e.msg }

// New returns a catalogue error with the full text (code included).
func New(msg string) *Error { return &Error{msg: msg} }

// Text is the reply text of any error: catalogue errors as they are, other
// errors prefixed with "ERR ".
func Text(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.msg
	}
	return "ERR " + err.Error()
}

// The catalogue.
var (
	WrongType        = New("WRONGTYPE Operation against a key holding the wrong kind of value")
	NotInteger       = New("ERR value is not an integer or out of range")
	NotFloat         = New("ERR value is not a valid float")
	Syntax           = New("ERR syntax error")
	Overflow         = New("ERR increment or decrement would overflow")
	IncrNaNOrInf     = New("ERR increment would produce NaN or Infinity")
	NoSuchKey        = New("ERR no such key")
	OutOfRange       = New("ERR index out of range")
	DBIndexRange     = New("ERR DB index is out of range")
	InvalidDBIndex   = New("ERR invalid DB index")
	StringTooLong    = New("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
	OffsetRange      = New("ERR offset is out of range")
	NoAuth           = New("NOAUTH Authentication required.")
	WrongPass        = New("WRONGPASS invalid username-password pair or user is disabled.")
	AuthNoPassword   = New("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
	MaxClients       = New("ERR max number of clients reached")
	SameObject       = New("ERR source and destination objects are the same")
	NoProto          = New("NOPROTO unsupported protocol version")
	Timeout          = New("ERR timeout is not an integer or out of range")
	TimeoutNegative  = New("ERR timeout is negative")
	CountPositive    = New("ERR value is out of range, must be positive")
	DebugDisabled    = New("ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.")
	NoSuchClient     = New("ERR No such client")
	ClientNameSpaces = New("ERR Client names cannot contain spaces, newlines or special characters.")
	ExpireNXXX       = New("ERR NX and XX, GT or LT options at the same time are not compatible")
	ExpireGTLT       = New("ERR GT and LT options at the same time are not compatible")
	MoveSameDB       = New("ERR source and destination objects are the same")
	NoScriptNoMulti  = New("ERR Command not allowed inside a transaction")
)

// WrongArity is the arity error for a command (or "container|sub").
func WrongArity(name string) *Error {
	return New("ERR wrong number of arguments for '" + name + "' command")
}

// InvalidExpireIn is Valkey's "invalid expire time" error for a command.
func InvalidExpireIn(cmd string) *Error {
	return New("ERR invalid expire time in '" + cmd + "' command")
}

// Keyspace commands (keys.go).
var (
	IntRange        = New("ERR value is out of range, value must between -2147483648 and 2147483647")
	InvalidCursor   = New("ERR invalid cursor")
	ScanNoValues    = New("ERR NOVALUES option can only be used in HSCAN")
	ScanNoScores    = New("ERR NOSCORES option can only be used in ZSCAN")
	InvalidFirstDB  = New("ERR invalid first DB index")
	InvalidSecondDB = New("ERR invalid second DB index")
	LFUNotSelected  = New("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
	LFUSelected     = New("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
)

// UnknownTypeName is SCAN's error for a TYPE it does not know.
func UnknownTypeName(name string) *Error {
	return New("ERR unknown type name '" + name + "'")
}

// UnsupportedOption is the expire commands' error for an unknown flag.
func UnsupportedOption(opt string) *Error {
	return New("ERR Unsupported option " + opt)
}

// String family (t_string.c).
var (
	DecrOverflow    = New("ERR decrement would overflow")
	LCSNotString    = New("ERR The specified keys must contain string values")
	LCSLenAndIdx    = New("ERR If you want both the length and indexes, please just use IDX.")
	LCSTooLong      = New("ERR String too long for LCS")
	LCSMemoryLimit  = New("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
	InvalidExpSet   = InvalidExpireIn("set")
	InvalidExpSetex = InvalidExpireIn("setex")
	InvalidExpPset  = InvalidExpireIn("psetex")
	InvalidExpGetex = InvalidExpireIn("getex")
)

// CLIENT (networking.c). TimeoutRange is also getTimeoutFromObjectOrReply's.
var (
	ClientIDPositive  = New("ERR client-id should be greater than 0")
	MaxAgeNotInteger  = New("ERR maxage is not an integer or out of range")
	MaxAgePositive    = New("ERR maxage should be greater than 0")
	IdleNotInteger    = New("ERR idle is not an integer or out of range")
	IdlePositive      = New("ERR idle should be greater than 0")
	DBFilterNotInt    = New("ERR DB is not an integer or out of range")
	NotDBFilterNotInt = New("ERR NOT-DB is not an integer or out of range")
	ClientPauseMode   = New("ERR CLIENT PAUSE mode must be WRITE or ALL")
	TimeoutRange      = New("ERR timeout is out of range")
)

// UnknownClientType is CLIENT LIST/KILL's error for a bad TYPE.
func UnknownClientType(name string) *Error {
	return New("ERR Unknown client type '" + name + "'")
}

// NoSuchUser is the error for a user name ACL does not know.
func NoSuchUser(name string) *Error { return New("ERR No such user '" + name + "'") }

// UnknownClientFlags is CLIENT LIST/KILL's error for bad FLAGS (not=true:
// NOT-FLAGS).
func UnknownClientFlags(flags string, not bool) *Error {
	if not {
		return New("ERR Unknown flags found in the NOT-FLAGS filter: " + flags)
	}
	return New("ERR Unknown flags found in the provided filter: " + flags)
}

// UnknownClientCapa is CLIENT LIST/KILL's error for bad CAPA (not=true:
// NOT-CAPA).
func UnknownClientCapa(capa string, not bool) *Error {
	if not {
		return New("ERR Unknown capa found in the NOT-CAPA filter: " + capa)
	}
	return New("ERR Unknown capa found in the provided filter: " + capa)
}

// DBFilterRange is CLIENT LIST/KILL's error for a DB (or NOT-DB) filter
// outside 0..maxDB.
func DBFilterRange(opt string, maxDB int) *Error {
	return New("ERR " + opt + " number should be between 0 and " + itoa(maxDB))
}

// UnrecognizedOption is CLIENT SETINFO's error for an unknown attribute.
func UnrecognizedOption(opt string) *Error {
	return New("ERR Unrecognized option '" + opt + "'")
}

// AttrSpecialChars is CLIENT SETINFO's error for a value with spaces or
// special characters; attr is spelled as the client sent it.
func AttrSpecialChars(attr string) *Error {
	return New("ERR " + attr + " cannot contain spaces, newlines or special characters.")
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// Server administration commands (server_cmds.go, commandlog.go,
// latency.go, debug.go).
var (
	LogCount             = New("ERR count should be greater than or equal to -1")
	LogType              = New("ERR type should be one of the following: slow, large-request, large-reply")
	NoShutdownInProgress = New("ERR No shutdown in progress.")
	ShutdownFailover     = New("ERR SHUTDOWN FAILOVER is only supported in cluster mode.")
	ShutdownFailed       = New("ERR Errors trying to SHUTDOWN. Check logs.")
	LolwutSyntax         = New("ERR Syntax error. Use: LOLWUT [columns rows] [real imaginary]")
	DebugReloadOptions   = New("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.")
	DebugProtocolType    = New("ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false")
	DebugProtocolRESP2   = New("ERR RESP2 is not supported by this command")
	DebugPackedThreshold = New("ERR argument must be a memory value bigger than 1 and smaller than 4gb")
	NotListpack          = New("ERR Not a listpack encoded object.")
	NotQuicklist         = New("ERR Not a quicklist encoded object.")
	DebugOutOfRangeDB    = New("ERR Out of range database")
)

// NoLatencySamples is LATENCY GRAPH's error for an event without samples.
func NoLatencySamples(event string) *Error {
	return New("ERR No samples available for event '" + event + "'")
}
