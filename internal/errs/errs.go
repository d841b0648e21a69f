// Package errs is the catalogue of client-visible errors. Every error text
// a client can see is spelled here once, with its code ("ERR", "WRONGTYPE",
// ...); data-type operations return these sentinels and handlers turn any
// error into a reply with Text.
package errs

import (
	"errors"
	"strconv"
	"strings"
)

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

// UnsupportedForeignType is RESTORE's error for a payload of a foreign RDB
// version (12..79, accepted with rdb-version-check relaxed) whose type is
// one Valkey assigns differently.
func UnsupportedForeignType(t int) *Error {
	return New("ERR Unsupported foreign data type: " + strconv.Itoa(t))
}

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
	DebugReloadLoad      = New("ERR Error trying to load the RDB dump, check server logs.")
	DumpPayloadInvalid   = New("ERR DUMP payload version or checksum are wrong")
	BadDataFormat        = New("ERR Bad data format")
	BusyKey              = New("BUSYKEY Target key name already exists.")
	InvalidTTLValue      = New("ERR Invalid TTL value, must be >= 0")
	InvalidIdleTime      = New("ERR Invalid IDLETIME value, must be >= 0")
	InvalidFreq          = New("ERR Invalid FREQ value, must be >= 0 and <= 255")
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

// HyperLogLog (hyperloglog.c): Valkey sends the first two without "ERR".
var (
	HLLWrongType        = New("WRONGTYPE Key is not a valid HyperLogLog string value.")
	HLLInvalid          = New("INVALIDOBJ Corrupted HLL object detected")
	HLLNoSuchKey        = New("ERR The specified key does not exist")
	HLLNotSparse        = New("ERR HLL encoding is not sparse")
	HLLSimdArg          = New("ERR Argument must be ON or OFF")
	HLLTestSparseUnused = New("ERR TESTFAILED sparse encoding not used")
	HLLTestDisagree     = New("ERR TESTFAILED dense/sparse disagree")
)

// PFDebugUnknown is PFDEBUG's error for an unknown subcommand (the name as
// a C string: cut at a NUL, newlines blanked as addReplyErrorFormat does).
func PFDebugUnknown(sub string) *Error {
	return New("ERR Unknown PFDEBUG subcommand '" + cString(sub) + "'")
}

// HLLTestRegister is PFSELFTEST's failure of the register access test.
func HLLTestRegister(reg, want, got int) *Error {
	return New("ERR TESTFAILED Register " + itoa(reg) + " should be " + itoa(want) + " but is " + itoa(got))
}

// HLLTestError is PFSELFTEST's failure of the estimation error test.
func HLLTestError(card, abserr uint64) *Error {
	return New("ERR TESTFAILED Too big error. card:" + utoa(card) + " abserr:" + utoa(abserr))
}

// Bitmaps (bitops.c).
var (
	BitOffset        = New("ERR bit offset is not an integer or out of range")
	BitValue         = New("ERR bit is not an integer or out of range")
	BitfieldType     = New("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")
	BitfieldOverflow = New("ERR Invalid OVERFLOW type specified")
	BitfieldRO       = New("ERR BITFIELD_RO only supports the GET subcommand")
	BitopNotOneKey   = New("ERR BITOP NOT must be called with a single source key.")
	BitposBit        = New("ERR The bit argument must be 1 or 0.")
)

func utoa(n uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// cString is s as C's %s prints it in an error reply: up to the first NUL,
// with CR and LF replaced by spaces.
func cString(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			s = s[:i]
			break
		}
	}
	b := []byte(s)
	for i, c := range b {
		if c == '\r' || c == '\n' {
			b[i] = ' '
		}
	}
	return string(b)
}

// Hash family (t_hash.c).
var (
	HashValueNotInt   = New("ERR hash value is not an integer")
	HashValueNotFloat = New("ERR hash value is not a float")
	HashIncrNaNOrInf  = New("ERR value is NaN or Infinity")
	NumFields         = New("ERR numfields should be greater than 0 and match the provided number of fields")
	HRandCountRange   = New("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
	HRandValuesRange  = New("ERR value is out of range")
	// HashTooLarge is Petrel's own: a hashtable-encoded hash addresses at
	// most 4 GiB of fields and values (Valkey has no such limit).
	HashTooLarge = New("ERR hash would exceed 4 GiB of fields and values")
)

// Set and sorted set families (t_set.c, t_zset.c).
var (
	NumKeysPositive   = New("ERR numkeys should be greater than 0")
	NumKeysTooMany    = New("ERR Number of keys can't be greater than number of args")
	LimitNegative     = New("ERR LIMIT can't be negative")
	CountAboveZero    = New("ERR count should be greater than 0")
	WeightNotFloat    = New("ERR weight value is not a float")
	MinMaxNotFloat    = New("ERR min or max is not a float")
	MinMaxNotLex      = New("ERR min or max not valid string range item")
	ZAddXXNX          = New("ERR XX and NX options at the same time are not compatible")
	ZAddGTLTNX        = New("ERR GT, LT, and/or NX options at the same time are not compatible")
	ZAddIncrPair      = New("ERR INCR option supports a single increment-element pair")
	ScoreNaN          = New("ERR resulting score is not a number (NaN)")
	ZRangeLimitByRank = New("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
	ZRangeScoresByLex = New("ERR syntax error, WITHSCORES not supported in combination with BYLEX")
)

// AtLeastOneKey is ZUNION/ZINTER/ZDIFF's error for numkeys < 1.
func AtLeastOneKey(cmd string) *Error {
	return New("ERR at least 1 input key is needed for '" + cmd + "' command")
}

// Blocking commands (blocked.c, timeout.c) and CLIENT UNBLOCK.
var (
	TimeoutNotFloat = New("ERR timeout is not a float or out of range")
	Unblocked       = New("UNBLOCKED client unblocked via CLIENT UNBLOCK")
	UnblockReason   = New("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
)

// List family (t_list.c).
var (
	LposRankZero     = New("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
	LposCountNeg     = New("ERR COUNT can't be negative")
	LposMaxlenNeg    = New("ERR MAXLEN can't be negative")
	NumkeysPositive  = New("ERR numkeys should be greater than 0")
	CountGreaterZero = New("ERR count should be greater than 0")
	LongRange        = New("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
)

// MULTI/EXEC (multi.c, server.c's processCommand).
var (
	ExecWithoutMulti    = New("ERR EXEC without MULTI")
	DiscardWithoutMulti = New("ERR DISCARD without MULTI")
	ExecAbort           = New("EXECABORT Transaction discarded because of previous errors.")
)

// NotInMulti is the rejection of a command flagged no-multi (MULTI, WATCH,
// CLIENT REPLY, SAVE, ...) while a transaction is being queued; name is
// the full name ("client|reply").
func NotInMulti(name string) *Error {
	return New("ERR Command '" + name + "' not allowed inside a transaction")
}

// ExecAbortBecause is EXEC's reply when EXEC itself is rejected (arity,
// NOAUTH, ...): the transaction is discarded and msg, the rejection, is
// quoted without its "ERR " code as Valkey's execCommandAbort prints it.
func ExecAbortBecause(msg string) *Error {
	return New("EXECABORT Transaction discarded because of: " + strings.TrimPrefix(msg, "ERR "))
}

// Stream family (t_stream.c).
var (
	StreamInvalidID           = New("ERR Invalid stream ID specified as stream command argument")
	StreamIDZero              = New("ERR The ID specified in XADD must be greater than 0-0")
	StreamExhausted           = New("ERR The stream has exhausted the last possible ID, unable to add more items")
	StreamIDTooSmall          = New("ERR The ID specified in XADD is equal or smaller than the target stream top item")
	StreamTooLarge            = New("ERR Elements are too large to be stored")
	StreamMaxLenMinID         = New("ERR syntax error, MAXLEN and MINID options at the same time are not compatible")
	StreamMaxLenNegative      = New("ERR The MAXLEN argument must be >= 0.")
	StreamLimitNegative       = New("ERR The LIMIT argument must be >= 0.")
	StreamLimitNoStrategy     = New("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy")
	StreamXTrimNoStrategy     = New("ERR syntax error, XTRIM must be called with a trimming strategy")
	StreamLimitNoApprox       = New("ERR syntax error, LIMIT cannot be used without the special ~ option")
	StreamInvalidStart        = New("ERR invalid start ID for the interval")
	StreamInvalidEnd          = New("ERR invalid end ID for the interval")
	StreamGroupInXRead        = New("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.")
	StreamNoAckInXRead        = New("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.")
	StreamMissingGroup        = New("ERR Missing GROUP option for XREADGROUP")
	StreamDollarInGroup       = New("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.")
	StreamPlusInGroup         = New("ERR The + ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The + ID would just return an empty result set.")
	StreamLastIDZero          = New("ERR the stream last element ID is 0-0")
	StreamGTOutsideGroup      = New("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.")
	StreamEntriesRead         = New("ERR value for ENTRIESREAD must be positive or -1")
	StreamXGroupNoKey         = New("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.")
	StreamBusyGroup           = New("BUSYGROUP Consumer Group name already exists")
	StreamEntriesAddedNeg     = New("ERR entries_added must be positive")
	StreamSetIDBelowMaxDelArg = New("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id")
	StreamSetIDBelowMaxDel    = New("ERR The ID specified in XSETID is smaller than current max_deleted_entry_id")
	StreamSetIDBelowTop       = New("ERR The ID specified in XSETID is smaller than the target stream top item")
	StreamSetIDAddedBelowLen  = New("ERR The entries_added specified in XSETID is smaller than the target stream length")
	StreamXClaimMinIdle       = New("ERR Invalid min-idle-time argument for XCLAIM")
	StreamXAutoClaimMinIdle   = New("ERR Invalid min-idle-time argument for XAUTOCLAIM")
	StreamXClaimIdle          = New("ERR Invalid IDLE option argument for XCLAIM")
	StreamXClaimTime          = New("ERR Invalid TIME option argument for XCLAIM")
	StreamXClaimRetryCount    = New("ERR Invalid RETRYCOUNT option argument for XCLAIM")
	StreamCountPositive       = New("ERR COUNT must be > 0")
	StreamCountTooHigh        = New("ERR Insufficient memory, failed allocating transient memory, COUNT too high.")
)

// StreamUnbalanced is XREAD/XREADGROUP's error for an odd number of
// arguments after STREAMS.
func StreamUnbalanced(cmd string, symbol byte) *Error {
	return New("ERR Unbalanced '" + cmd + "' list of streams: for each stream key an ID or '" + string(symbol) + "' must be specified.")
}

// StreamNoGroupRead is XREADGROUP's error for a missing key or group.
func StreamNoGroupRead(key, group string) *Error {
	return New("NOGROUP No such key '" + cString(key) + "' or consumer group '" + cString(group) + "' in XREADGROUP with GROUP option")
}

// StreamNoKeyOrGroup is XPENDING, XCLAIM and XAUTOCLAIM's error for a
// missing key or group.
func StreamNoKeyOrGroup(key, group string) *Error {
	return New("NOGROUP No such key '" + cString(key) + "' or consumer group '" + cString(group) + "'")
}

// StreamNoGroup is XGROUP and XINFO CONSUMERS' error for a missing group.
func StreamNoGroup(group, key string) *Error {
	return New("NOGROUP No such consumer group '" + cString(group) + "' for key name '" + cString(key) + "'")
}

// StreamXClaimOption is XCLAIM's error for an unknown option.
func StreamXClaimOption(opt string) *Error {
	return New("ERR Unrecognized XCLAIM option '" + cString(opt) + "'")
}
