package config

import (
	"errors"
	"strconv"
	"strings"
)

// The error catalogue: every client-visible text this package produces.

// reason is why a value was refused, in Valkey's words; it becomes the
// text after " - " in a CONFIG SET error or the last line of a config file
// error.
type reason string

func (r reason) Error() string { return string(r) }

const (
	errYesNo           reason = "argument must be 'yes' or 'no'"
	errNotInteger      reason = "argument couldn't be parsed into an integer"
	errNotMemory       reason = "argument must be a memory value"
	errNotMemOrPct     reason = "argument must be a memory or percent value"
	errNotOctal        reason = "argument couldn't be parsed as an octal number"
	errWrongArgs       reason = "wrong number of arguments"
	errNoRDMA          reason = "No RDMA building support."
	errBadTemplate     reason = "template format is invalid or contains unknown variables"
	errBadIPv4         reason = "Invalid IPv4 address"
	errBadIPv6         reason = "Invalid IPv6 address"
	errBadNodename     reason = "Announced human node name contained invalid character"
	errHostnameLen     reason = "Hostnames must be less than 256 characters"
	errHostnameChar    reason = "Hostnames may only contain alphanumeric characters, hyphens or dots"
	errSaveNoSave      reason = "shutdown options SAVE and NOSAVE can't be used simultaneously"
	errDirEmpty        reason = "dir can't be empty"
	errSaveParams      reason = "Invalid save parameters"
	errObufArgs        reason = "Wrong number of arguments in buffer limit configuration."
	errObufClass       reason = "Invalid client class specified in buffer limit configuration."
	errObufValues      reason = "Error in hard, soft or soft_seconds setting in buffer limit configuration."
	errOOMValues       reason = "Invalid oom-score-adj-values, elements must be between -2000 and 2000."
	errNotifyClass     reason = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."
	errTooManyBind     reason = "Too many bind addresses specified."
	errPrimaryPort     reason = "Invalid primary port"
	errPercentiles     reason = "Invalid latency-tracking-info-percentiles parameters"
	errPercentileRange reason = "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"
)

// Reasons with values in them.

func errBetween(lo, hi string) reason {
	return reason("argument must be between " + lo + " and " + hi + " inclusive")
}

func errPercentAtMost(max int64) reason {
	return reason("percentage argument must be less or equal to " + strconv.FormatInt(max, 10))
}

func errEmptyName(name string) reason { return reason(name + " can't be empty") }

func errNotBaseName(name, what string) reason {
	return reason(name + " can't be a path, just a " + what)
}

const enumErrorPrefix = "argument(s) must be one of the following: "

// Error is an error to send to a client. Error() is the reply text without
// RESP's leading '-': it starts with the error code ("ERR ...",
// "LOADING ...").
type Error struct{ msg string }

func (e *Error) Error() string { return e.msg }

// ErrNoConfigFile is CONFIG REWRITE's error when the server was started
// without a config file.
var ErrNoConfigFile = &Error{"ERR The server is running without a config file"}

// Reasons CONFIG SET gives before trying any value.
const (
	reasonImmutable = "can't set immutable config"
	reasonProtected = "can't set protected config"
	reasonDuplicate = "duplicate parameter"
)

func errUnknownOption(name string) *Error {
	return &Error{"ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'"}
}

func errSetFailed(arg, why string) *Error {
	return &Error{"ERR CONFIG SET failed (possibly related to argument '" + arg + "') - " + why}
}

// errLoading is Valkey's shared LOADING error; with
// extended-redis-compatibility it names Redis.
func errLoading(redisCompat bool) *Error {
	name := "Valkey"
	if redisCompat {
		name = "Redis"
	}
	return &Error{"LOADING " + name + " is loading the dataset in memory"}
}

func errRewrite(err error) *Error {
	return &Error{"ERR Rewriting config file: " + strerror(err)}
}

// Config file reasons.
const (
	errUnbalancedLine   = "Unbalanced quotes in configuration line"
	errModuleNoValue    = "Module config specified without value"
	errBadDirective     = "Bad directive or wrong number of arguments"
	errSentinel         = "sentinel directive while not in sentinel mode"
	errLogfile          = "Can't open the log file: "
	errReplicaofCluster = "replicaof directive not allowed in cluster mode"
)

// ErrTestMemoryUsage is the error for --test-memory without exactly one
// argument; print it to stderr and exit 1.
var ErrTestMemoryUsage = errors.New("Please specify the amount of memory to test in megabytes.\nExample: ./valkey-server --test-memory 4096\n")

// ValkeyVersion is the version a config file error names, as Valkey's does.
const ValkeyVersion = "9.0.4"

// LoadError is a config file (or command line) error. Valkey prints it to
// stderr and exits with status 1; Error() is that text without the blank
// line Valkey prints first:
//
//	*** FATAL CONFIG FILE ERROR (Version 9.0.4) ***
//	Reading the configuration file, at line 2
//	>>> 'port "abc"'
//	argument couldn't be parsed into an integer
//
// The two middle lines are left out for errors found after the last line
// (an unwritable logfile, replicaof in cluster mode).
type LoadError struct {
	Line   int    // 1-based line number; 0 when no line is at fault
	Text   string // the line, trimmed
	Reason string
}

func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString("*** FATAL CONFIG FILE ERROR (Version " + ValkeyVersion + ") ***\n")
	if e.Line > 0 {
		b.WriteString("Reading the configuration file, at line " + strconv.Itoa(e.Line) + "\n")
		b.WriteString(">>> '" + e.Text + "'\n")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Stderr is exactly what valkey-server writes to stderr for this error
// before exiting with status 1.
func (e *LoadError) Stderr() string { return "\n" + e.Error() + "\n" }

// OpenError is a config file that cannot be read. Valkey logs it as a
// warning ("Fatal error, can't open config file '...': ...") and exits
// with status 1.
type OpenError struct {
	Path string
	Err  error
}

func (e *OpenError) Error() string {
	return "Fatal error, can't open config file '" + e.Path + "': " + strerror(e.Err)
}

func (e *OpenError) Unwrap() error { return e.Err }
