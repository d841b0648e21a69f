package errs

// Scripting: EVAL, SCRIPT, FUNCTION and FCALL (internal/scripting and
// internal/server/scripting.go). Texts are Valkey 9's.
var (
	NoScript            = New("NOSCRIPT No matching script.")
	NumKeysNegative     = New("ERR Number of keys can't be negative")
	BadNumKeys          = New("ERR Bad number of keys provided")
	ScriptWriteInRO     = New("ERR Can not execute a script with write flag using *_ro command.")
	ScriptFlushOption   = New("ERR SCRIPT FLUSH only support SYNC|ASYNC option")
	FunctionFlushOption = New("ERR FUNCTION FLUSH only supports SYNC|ASYNC option")
	FunctionNotFound    = New("ERR Function not found")
	LibraryNotFound     = New("ERR Library not found")
	FunctionCodeMissing = New("ERR Function code is missing")
	LibraryNameMissing  = New("ERR library name argument was not given")
	RestorePolicy       = New("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.")
	DumpPayload         = New("ERR DUMP payload version or checksum are wrong")
	NotBusy             = New("NOTBUSY No scripts in execution right now.")
	UnkillableWrote     = New("UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.")
	BusyEval            = New("BUSY Valkey is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.")
	BusyFunction        = New("BUSY Valkey is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.")
	BusyEvalCompat      = New("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.")
	BusyFunctionCompat  = New("BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.")
)

// Errors a script's server.call gets instead of running a command (they
// become Lua error tables; their code is ERR).
const (
	ScriptUnknownCommand = "Unknown command called from script"
	ScriptWrongArity     = "Wrong number of args calling command from script"
	ScriptWriteInROCall  = "Write commands are not allowed from read-only scripts."
	ScriptNoScriptCmd    = "This Valkey command is not allowed from script"
	ScriptNoScriptCompat = "This Redis command is not allowed from script"
)

// FunctionUnknownOption is FUNCTION LOAD's error for an option it does not
// know.
func FunctionUnknownOption(opt string) *Error { return New("ERR Unknown option given: " + opt) }

// FunctionUnknownArgument is FUNCTION LIST's error for an argument it does
// not know.
func FunctionUnknownArgument(arg string) *Error { return New("ERR Unknown argument " + arg) }
