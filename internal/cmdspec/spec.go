package cmdspec

// Spec is the metadata of one command or subcommand: everything COMMAND
// INFO and COMMAND DOCS print, plus what the dispatcher needs to find the
// keys. Specs are generated into table_gen.go and never change: callers
// must not modify a Spec or the slices it holds.
type Spec struct {
	Name      string // lower case; "client|kill" for a subcommand
	Container string // "" for a top-level command, else the parent's name ("client")
	Arity     int    // Valkey's arity: n means exactly n arguments, -n at least n (the name counts)
	Flags     Flag   // command flags, movablekeys included

	// Categories are the ACL categories, with the ones Valkey implies from
	// the flags (@write, @read, @admin, @dangerous, @pubsub, @fast or
	// @slow, @blocking) already added.
	Categories Category

	// FirstKey, LastKey and KeyStep are the legacy key range COMMAND INFO
	// prints (LastKey is absolute, or negative counting from the end; all
	// zero when the command has no range key spec).
	FirstKey, LastKey, KeyStep int

	KeySpecs []KeySpec
	KeysProc KeysProc // Valkey's getkeys procedure, used when the key specs do not suffice

	Subcommands []*Spec // sorted by name

	// Documentation, as COMMAND DOCS prints it.
	Group           string // "string", "sorted-set", ...
	Since           string
	Complexity      string
	Summary         string // Petrel's own words (summaries.txt)
	DocFlags        DocFlag
	DeprecatedSince string
	ReplacedBy      string
	History         [][2]string // {version, change}
	Arguments       []Arg
	Tips            []string // lower case, e.g. "nondeterministic_output"
}

// Flag is a bit set of command flags. The bits follow Valkey's CMD_* order.
type Flag uint64

// Command flags. FlagMovableKeys is not in the specs: the generator derives
// it from the key specs as Valkey does at startup.
const (
	FlagWrite Flag = 1 << iota
	FlagReadonly
	FlagDenyOOM
	FlagModule
	FlagAdmin
	FlagPubsub
	FlagNoscript
	FlagBlocking
	FlagLoading
	FlagStale
	FlagSkipMonitor
	FlagSkipCommandlog
	FlagAsking
	FlagFast
	FlagNoAuth
	FlagMayReplicate
	FlagSentinel
	FlagOnlySentinel
	FlagNoMandatoryKeys
	FlagProtected
	FlagModuleGetkeys
	FlagModuleNoCluster
	FlagNoAsyncLoading
	FlagNoMulti
	FlagMovableKeys
	FlagAllowBusy
	FlagModuleGetchannels
	FlagTouchesArbitraryKeys
)

// flagReplyNames lists the flags COMMAND INFO shows, in its order. The
// others (may_replicate, sentinel, only_sentinel, protected, module_*,
// touches_arbitrary_keys) are hidden on purpose, as in Valkey.
var flagReplyNames = [...]struct {
	f    Flag
	name string
}{
	{FlagWrite, "write"},
	{FlagReadonly, "readonly"},
	{FlagDenyOOM, "denyoom"},
	{FlagModule, "module"},
	{FlagAdmin, "admin"},
	{FlagPubsub, "pubsub"},
	{FlagNoscript, "noscript"},
	{FlagBlocking, "blocking"},
	{FlagLoading, "loading"},
	{FlagStale, "stale"},
	{FlagSkipMonitor, "skip_monitor"},
	{FlagSkipCommandlog, "skip_commandlog"},
	{FlagAsking, "asking"},
	{FlagFast, "fast"},
	{FlagNoAuth, "no_auth"},
	{FlagNoMandatoryKeys, "no_mandatory_keys"},
	{FlagNoAsyncLoading, "no_async_loading"},
	{FlagNoMulti, "no_multi"},
	{FlagMovableKeys, "movablekeys"},
	{FlagAllowBusy, "allow_busy"},
}

// Category is a bit set of ACL categories, in Valkey's order.
type Category uint64

// ACL categories.
const (
	CatKeyspace Category = 1 << iota
	CatRead
	CatWrite
	CatSet
	CatSortedSet
	CatList
	CatHash
	CatString
	CatBitmap
	CatHyperLogLog
	CatGeo
	CatStream
	CatPubsub
	CatAdmin
	CatFast
	CatSlow
	CatBlocking
	CatDangerous
	CatConnection
	CatTransaction
	CatScripting
)

// categoryNames are the category names without "@", indexed by bit.
var categoryNames = [...]string{
	"keyspace", "read", "write", "set", "sortedset", "list", "hash", "string",
	"bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow",
	"blocking", "dangerous", "connection", "transaction", "scripting",
}

// CategoryNames returns the ACL category names (without "@") in Valkey's
// order, as ACL CAT lists them.
func CategoryNames() []string {
	out := make([]string, len(categoryNames))
	copy(out, categoryNames[:])
	return out
}

// CategoryByName returns the category named name (without "@", any case),
// or 0 if there is none.
func CategoryByName(name []byte) Category {
	for i, n := range categoryNames {
		if equalFold(name, n) {
			return 1 << i
		}
	}
	return 0
}

// Names returns the names of the categories in c, each with its "@", in
// COMMAND INFO order.
func (c Category) Names() []string {
	var out []string
	for i, n := range categoryNames {
		if c&(1<<i) != 0 {
			out = append(out, "@"+n)
		}
	}
	return out
}

// DocFlag is a bit set of documentation flags.
type DocFlag uint8

// Documentation flags.
const (
	DocDeprecated DocFlag = 1 << iota
	DocSyscmd
)

var docFlagNames = [...]string{"deprecated", "syscmd"}

// KeySpec tells where a command's keys are and how it uses them.
type KeySpec struct {
	Notes       string
	Flags       KeyFlag
	BeginSearch BeginSearch
	FindKeys    FindKeys
}

// KeyFlag is a bit set of key-spec flags, in Valkey's CMD_KEY_* order.
type KeyFlag uint16

// Key-spec flags.
const (
	KeyRO KeyFlag = 1 << iota
	KeyRW
	KeyOW
	KeyRM
	KeyAccess
	KeyUpdate
	KeyInsert
	KeyDelete
	KeyNotKey
	KeyIncomplete
	KeyVariableFlags
)

var keyFlagNames = [...]string{
	"RO", "RW", "OW", "RM", "access", "update", "insert", "delete",
	"not_key", "incomplete", "variable_flags",
}

// String returns the flag names joined by "|", e.g. "RW|access|update".
func (f KeyFlag) String() string {
	s := ""
	for i, n := range keyFlagNames {
		if f&(1<<i) != 0 {
			if s != "" {
				s += "|"
			}
			s += n
		}
	}
	return s
}

// SearchKind is how a key spec finds the first key.
type SearchKind uint8

// Begin-search kinds.
const (
	SearchUnknown SearchKind = iota // the keys cannot be found from the spec
	SearchIndex                     // at a fixed argument index
	SearchKeyword                   // after a keyword
)

// BeginSearch locates the first key: Pos for SearchIndex; Keyword and
// StartFrom for SearchKeyword (StartFrom > 0 searches forward from that
// index, < 0 backward from that many arguments before the end).
type BeginSearch struct {
	Kind      SearchKind
	Pos       int
	Keyword   string
	StartFrom int
}

// FindKind is how a key spec finds the keys after the first one.
type FindKind uint8

// Find-keys kinds.
const (
	FindUnknown FindKind = iota
	FindRange            // LastKey, KeyStep, Limit
	FindKeynum           // KeyNumIdx, FirstKey, KeyStep
)

// FindKeys locates the keys from the first one. For FindRange, LastKey is
// relative to the first key (negative: from the end of the arguments) and
// a Limit > 1 takes only that fraction of the remaining arguments. For
// FindKeynum, the argument at KeyNumIdx (relative to the first key) holds
// the number of keys, the first of which is at FirstKey (also relative).
type FindKeys struct {
	Kind      FindKind
	LastKey   int
	KeyStep   int
	Limit     int
	KeyNumIdx int
	FirstKey  int
}

// KeysProc names a Valkey getkeys procedure: key extraction written as code
// for the commands whose key specs are incomplete, or whose key flags
// depend on the arguments.
type KeysProc uint8

// Getkeys procedures.
const (
	KeysProcNone KeysProc = iota
	KeysProcBitfield
	KeysProcBlmpop
	KeysProcBzmpop
	KeysProcEval
	KeysProcFunction
	KeysProcGeoradius
	KeysProcLmpop
	KeysProcMigrate
	KeysProcSet
	KeysProcSintercard
	KeysProcSort
	KeysProcSortRO
	KeysProcXread
	KeysProcZmpop
	KeysProcZunionInterDiff
	KeysProcZunionInterDiffStore
)

// Arg is one node of a command's argument grammar, as COMMAND DOCS prints
// it. Argument summaries are prose and are left out (Summary stays empty).
type Arg struct {
	Name            string
	Type            ArgType
	DisplayText     string // "" means Name (only used for non-oneof, non-block args)
	KeySpecIndex    int    // -1 if none
	Token           string // upper case
	EmptyToken      bool   // the token is the empty string (MIGRATE's "" key placeholder)
	Summary         string
	Since           string
	DeprecatedSince string
	Flags           ArgFlag
	Subargs         []Arg // for ArgOneOf and ArgBlock
}

// ArgType is an argument's type.
type ArgType uint8

// Argument types, in Valkey's order.
const (
	ArgString ArgType = iota
	ArgInteger
	ArgDouble
	ArgKey
	ArgPattern
	ArgUnixTime
	ArgPureToken
	ArgOneOf
	ArgBlock
)

var argTypeNames = [...]string{
	"string", "integer", "double", "key", "pattern", "unix-time", "pure-token", "oneof", "block",
}

// String returns the type's name as COMMAND DOCS prints it.
func (t ArgType) String() string {
	if int(t) < len(argTypeNames) {
		return argTypeNames[t]
	}
	return "unknown"
}

// ArgFlag is a bit set of argument flags.
type ArgFlag uint8

// Argument flags.
const (
	ArgOptional ArgFlag = 1 << iota
	ArgMultiple
	ArgMultipleToken
)

var argFlagNames = [...]string{"optional", "multiple", "multiple_token"}

// SubName is the subcommand's own name ("kill" for "client|kill"), or the
// name of a top-level command.
func (s *Spec) SubName() string {
	if s.Container == "" {
		return s.Name
	}
	return s.Name[len(s.Container)+1:]
}

// CheckArity reports whether argc arguments (the command name and, for a
// subcommand, the container's name included) satisfy the arity.
func (s *Spec) CheckArity(argc int) bool {
	if s.Arity > 0 {
		return argc == s.Arity
	}
	return argc >= -s.Arity
}

// HasKeys reports whether the command can take keys at all, as Valkey's
// doesCommandHaveKeys: a getkeys procedure, or a key spec that is not
// marked not_key.
func (s *Spec) HasKeys() bool {
	if s.KeysProc != KeysProcNone {
		return true
	}
	for i := range s.KeySpecs {
		if s.KeySpecs[i].Flags&KeyNotKey == 0 {
			return true
		}
	}
	return false
}
