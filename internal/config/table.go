package config

import (
	"math"
	"strconv"
)

// The directive table: every directive Valkey 9.0 accepts, in the order of
// static_configs in Valkey's config.c (CONFIG REWRITE appends new lines in
// this order). Names, aliases, flags, bounds and defaults are Valkey's.
// The two directives Valkey compiles only into LOG_REQ_RES test builds
// (req-res-logfile, client-default-resp) are left out, as in a stock build.

const (
	intMin   = math.MinInt32
	intMax   = math.MaxInt32
	uintMax  = math.MaxUint32
	longMax  = math.MaxInt64 // LONG_MAX, LLONG_MAX and SSIZE_MAX on 64-bit Linux
	ulongMax = -1            // ULONG_MAX and ULLONG_MAX, read as unsigned
)

// Enum values that the server reads through Hot. The values are Petrel's;
// only the names are visible to clients.
const (
	PolicyVolatileLRU int64 = iota
	PolicyVolatileLFU
	PolicyVolatileRandom
	PolicyVolatileTTL
	PolicyAllkeysLRU
	PolicyAllkeysLFU
	PolicyAllkeysRandom
	PolicyNoEviction
)

const (
	FsyncEverysec int64 = iota
	FsyncAlways
	FsyncNo
)

const (
	LogDebug int64 = iota
	LogVerbose
	LogNotice
	LogWarning
	LogNothing
)

// Values of enable-protected-configs, enable-debug-command and
// enable-module-command.
const (
	AllowedNo int64 = iota
	AllowedYes
	AllowedLocal
)

const (
	SanitizeNo int64 = iota
	SanitizeYes
	SanitizeClients
)

// Values of acl-pubsub-default.
const (
	PubsubAllChannels int64 = iota
	PubsubResetChannels
)

// Shutdown flags of shutdown-on-sigint and shutdown-on-sigterm (bits, as
// in Valkey; "default" is 0).
const (
	ShutdownSave int64 = 1 << iota
	ShutdownNoSave
	ShutdownNow
	ShutdownForce
	ShutdownSafe
	ShutdownFailover
)

func items(names ...string) []EnumItem {
	out := make([]EnumItem, len(names))
	for i, n := range names {
		out[i] = EnumItem{n, int64(i)}
	}
	return out
}

var (
	policyEnum    = items("volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction")
	facilityEnum  = items("user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7")
	loglevelEnum  = items("debug", "verbose", "notice", "warning", "nothing")
	supervised    = items("upstart", "systemd", "auto", "no")
	fsyncEnum     = items("everysec", "always", "no")
	disklessLoad  = items("disabled", "on-empty-db", "swapdb", "flush-before-load")
	tlsAuth       = items("no", "yes", "optional")
	tlsAuthUser   = items("CN", "off")
	oomScoreAdj   = []EnumItem{{"no", 0}, {"yes", 1}, {"relative", 1}, {"absolute", 2}}
	pubsubDefault = items("allchannels", "resetchannels")
	sanitizeEnum  = items("no", "yes", "clients")
	protectedEnum = items("no", "yes", "local")
	endpointType  = items("ip", "hostname", "unknown-endpoint")
	propagation   = items("ignore", "panic", "panic-on-replicas")
	logFormat     = items("legacy", "logfmt")
	logTimestamp  = items("legacy", "iso8601", "milliseconds")
	rdbVersion    = items("strict", "relaxed")
	shutdownEnum  = []EnumItem{{"default", 0}, {"save", ShutdownSave}, {"nosave", ShutdownNoSave}, {"now", ShutdownNow}, {"force", ShutdownForce}, {"safe", ShutdownSafe}, {"failover", ShutdownFailover}}
)

// Constructors. Flags default to "modifiable"; defaults are given as the
// text a config file would hold.

func yesno(name, alias string, f Flag, def bool) *Directive {
	t := "no"
	if def {
		t = "yes"
	}
	return &Directive{Name: name, Alias: alias, Type: Bool, Flags: f, defText: t}
}

// text is a string directive. nullable strings (Valkey's
// EMPTY_STRING_IS_NULL) have no default and vanish from a rewritten file
// when empty.
func text(name, alias string, f Flag, def string) *Directive {
	return &Directive{Name: name, Alias: alias, Type: String, Flags: f, defText: def}
}

func nullable(name, alias string, f Flag) *Directive {
	return &Directive{Name: name, Alias: alias, Type: String, Flags: f, emptyIsNull: true}
}

func choice(name, alias string, f Flag, e []EnumItem, def string) *Directive {
	return &Directive{Name: name, Alias: alias, Type: Enum, Flags: f, Enum: e, defText: def}
}

func flagsEnum(name string, f Flag, e []EnumItem, def string) *Directive {
	d := choice(name, "", f|MultiArg, e, def)
	d.bitflags = true
	return d
}

// signed is a numeric directive stored in a signed C type.
func signed(name, alias string, f Flag, lo, hi, def int64) *Directive {
	return &Directive{Name: name, Alias: alias, Type: Int, Flags: f, Min: lo, Max: hi, defText: strconv.FormatInt(def, 10)}
}

// unsigned is a numeric directive stored in an unsigned C type: its bounds
// compare as unsigned, so "-1" is out of range rather than negative.
func unsigned(name, alias string, f Flag, lo, hi, def int64) *Directive {
	d := signed(name, alias, f, lo, hi, def)
	d.Unsigned = true
	return d
}

func (d *Directive) memory() *Directive  { d.num |= memoryNum; return d }
func (d *Directive) percent() *Directive { d.num |= percentNum; return d }
func (d *Directive) octal() *Directive   { d.num |= octalNum; return d }

func (d *Directive) check(fn func(c *Config, v any) error) *Directive { d.validate = fn; return d }

func (d *Directive) clampOnSet(fn func(int64) int64) *Directive { d.setClamp = fn; return d }

func (d *Directive) onApply(fn func(c *Config) error) *Directive { d.apply = fn; return d }

const (
	mod = Flag(0) // MODIFIABLE_CONFIG
	imm = Immutable
)

var table = []*Directive{
	// Bool directives.
	yesno("rdbchecksum", "", imm, true),
	yesno("daemonize", "", imm, false),
	yesno("always-show-logo", "", imm, false),
	yesno("protected-mode", "", mod, true),
	yesno("rdbcompression", "", mod, true),
	yesno("rdb-del-sync-files", "", mod, false),
	yesno("activerehashing", "", mod, true),
	yesno("stop-writes-on-bgsave-error", "", mod, true),
	yesno("set-proc-title", "", imm, true),
	yesno("lazyfree-lazy-eviction", "", DebugConfig, true),
	yesno("lazyfree-lazy-expire", "", DebugConfig, true),
	yesno("lazyfree-lazy-server-del", "", DebugConfig, true),
	yesno("lazyfree-lazy-user-del", "", DebugConfig, true),
	yesno("lazyfree-lazy-user-flush", "", DebugConfig, true),
	yesno("repl-disable-tcp-nodelay", "", mod, false),
	yesno("repl-mptcp", "", imm, false),
	yesno("repl-diskless-sync", "", DebugConfig, true),
	yesno("dual-channel-replication-enabled", "", DebugConfig, false),
	yesno("aof-rewrite-incremental-fsync", "", mod, true),
	yesno("no-appendfsync-on-rewrite", "", mod, false),
	yesno("cluster-require-full-coverage", "", mod, true),
	yesno("rdb-save-incremental-fsync", "", mod, true),
	yesno("aof-load-truncated", "", mod, true),
	yesno("aof-use-rdb-preamble", "", mod, true),
	yesno("aof-timestamp-enabled", "", mod, false),
	yesno("cluster-replica-no-failover", "cluster-slave-no-failover", mod, false),
	yesno("replica-lazy-flush", "slave-lazy-flush", mod, true),
	yesno("replica-serve-stale-data", "slave-serve-stale-data", mod, true),
	yesno("replica-read-only", "slave-read-only", DebugConfig, true),
	yesno("replica-ignore-maxmemory", "slave-ignore-maxmemory", mod, true),
	yesno("jemalloc-bg-thread", "", mod, true),
	yesno("activedefrag", "", DebugConfig, false),
	yesno("syslog-enabled", "", imm, false),
	yesno("cluster-enabled", "", imm, false),
	yesno("appendonly", "", DenyLoading, false),
	yesno("cluster-allow-reads-when-down", "", mod, false),
	yesno("cluster-allow-pubsubshard-when-down", "", mod, true),
	yesno("crash-log-enabled", "", mod, true),
	yesno("crash-memcheck-enabled", "", mod, true),
	yesno("use-exit-on-panic", "", Hidden, false),
	yesno("disable-thp", "", imm, true),
	yesno("cluster-allow-replica-migration", "", mod, true),
	yesno("replica-announced", "", mod, true),
	yesno("latency-tracking", "", mod, true),
	yesno("aof-disable-auto-gc", "", Hidden, false),
	yesno("replica-ignore-disk-write-errors", "", mod, false),
	yesno("extended-redis-compatibility", "", mod, false),
	yesno("enable-debug-assert", "", imm|Hidden, false),
	yesno("cluster-slot-stats-enabled", "", mod, false),
	yesno("hide-user-data-from-log", "", mod, true),
	yesno("lua-enable-insecure-api", "lua-enable-deprecated-api", Hidden|Protected, false),
	yesno("import-mode", "", DebugConfig, false),

	// String directives.
	text("aclfile", "", imm, ""),
	nullable("unixsocket", "", imm),
	nullable("unixsocketgroup", "", imm),
	nullable("pidfile", "", imm),
	nullable("replica-announce-ip", "slave-announce-ip", mod),
	nullable("primaryuser", "masteruser", Sensitive),
	nullable("cluster-announce-ip", "", mod),
	nullable("cluster-announce-client-ipv4", "", mod).check(validIPv4),
	nullable("cluster-announce-client-ipv6", "", mod).check(validIPv6),
	text("cluster-config-file", "", imm, "nodes.conf").check(notEmpty(errEmptyName("cluster-config-file"))),
	nullable("cluster-announce-hostname", "", mod).check(validHostname),
	nullable("cluster-announce-human-nodename", "", mod).check(validNodename),
	text("syslog-ident", "", imm, "valkey"),
	text("dbfilename", "", Protected, "dump.rdb").check(baseName("dbfilename", "filename")),
	text("appendfilename", "", imm, "appendonly.aof").check(baseName("appendfilename", "filename")),
	text("appenddirname", "", imm, "appendonlydir").check(baseName("appenddirname", "dirname")),
	nullable("server-cpulist", "server_cpulist", imm),
	nullable("bio-cpulist", "bio_cpulist", imm),
	nullable("aof-rewrite-cpulist", "aof_rewrite_cpulist", imm),
	nullable("bgsave-cpulist", "bgsave_cpulist", imm),
	text("ignore-warnings", "", mod, ""),
	text("proc-title-template", "", mod, "{title} {listen-addr} {server-mode}").check(validProcTitle),
	nullable("bind-source-addr", "", mod),
	text("logfile", "", imm, ""),
	text("locale-collate", "", mod, ""),
	text("debug-context", "", DebugConfig|Hidden, ""),
	nullable("primaryauth", "masterauth", Sensitive),
	nullable("requirepass", "", Sensitive),
	text("availability-zone", "", mod, ""),

	// Enum directives.
	choice("supervised", "", imm, supervised, "no"),
	choice("syslog-facility", "", imm, facilityEnum, "local0"),
	choice("repl-diskless-load", "", DebugConfig|DenyLoading, disklessLoad, "disabled"),
	choice("loglevel", "", mod, loglevelEnum, "notice"),
	choice("maxmemory-policy", "", mod, policyEnum, "noeviction"),
	choice("appendfsync", "", mod, fsyncEnum, "everysec"),
	choice("oom-score-adj", "", mod, oomScoreAdj, "no"),
	choice("acl-pubsub-default", "", mod, pubsubDefault, "resetchannels"),
	choice("sanitize-dump-payload", "", DebugConfig, sanitizeEnum, "no"),
	choice("enable-protected-configs", "", imm, protectedEnum, "no"),
	choice("enable-debug-command", "", imm, protectedEnum, "no"),
	choice("enable-module-command", "", imm, protectedEnum, "no"),
	choice("cluster-preferred-endpoint-type", "", mod, endpointType, "ip"),
	choice("propagation-error-behavior", "", mod, propagation, "ignore"),
	flagsEnum("shutdown-on-sigint", mod, shutdownEnum, "default").check(validShutdownFlags),
	flagsEnum("shutdown-on-sigterm", mod, shutdownEnum, "default").check(validShutdownFlags),
	choice("log-format", "", mod, logFormat, "legacy"),
	choice("log-timestamp-format", "", mod, logTimestamp, "legacy"),
	choice("rdb-version-check", "", mod, rdbVersion, "strict"),

	// Integer directives (C int).
	signed("databases", "", imm, 1, intMax, 16),
	signed("cluster-databases", "", imm, 1, intMax, 1),
	signed("port", "", mod, 0, 65535, 6379),
	signed("io-threads", "", DebugConfig, 1, 256, 1),
	signed("events-per-io-thread", "", Hidden, 0, intMax, 2),
	signed("min-io-threads-avoid-copy-reply", "", Hidden, 0, intMax, 7),
	signed("min-string-size-avoid-copy-reply", "", Hidden, 0, intMax, 16384),
	signed("min-string-size-avoid-copy-reply-threaded", "", Hidden, 0, intMax, 65536),
	signed("prefetch-batch-max-size", "", mod, 0, 128, 16),
	signed("auto-aof-rewrite-percentage", "", mod, 0, intMax, 100),
	signed("cluster-replica-validity-factor", "cluster-slave-validity-factor", mod, 0, intMax, 10),
	signed("list-max-listpack-size", "list-max-ziplist-size", mod, intMin, intMax, -2),
	signed("tcp-keepalive", "", mod, 0, intMax, 300),
	signed("cluster-migration-barrier", "", mod, 0, intMax, 1),
	signed("active-defrag-cycle-min", "", mod, 1, 99, 1),
	signed("active-defrag-cycle-max", "", mod, 1, 99, 25),
	signed("active-defrag-threshold-lower", "", mod, 0, 1000, 10),
	signed("active-defrag-threshold-upper", "", mod, 0, 1000, 100),
	signed("active-defrag-cycle-us", "", mod, 0, 100000, 500),
	signed("lfu-log-factor", "", mod, 0, intMax, 10),
	signed("lfu-decay-time", "", mod, 0, intMax, 1),
	signed("replica-priority", "slave-priority", mod, 0, intMax, 100),
	signed("repl-diskless-sync-delay", "", mod, 0, intMax, 5),
	signed("maxmemory-samples", "", mod, 1, 64, 5),
	signed("maxmemory-eviction-tenacity", "", mod, 0, 100, 10),
	signed("timeout", "", mod, 0, intMax, 0),
	signed("replica-announce-port", "slave-announce-port", mod, 0, 65535, 0),
	signed("tcp-backlog", "", imm, 0, intMax, 511),
	yesno("mptcp", "", imm, false),
	signed("cluster-port", "", imm, 0, 65535, 0),
	signed("cluster-announce-bus-port", "", mod, 0, 65535, 0),
	signed("cluster-announce-port", "", mod, 0, 65535, 0),
	signed("cluster-announce-tls-port", "", mod, 0, 65535, 0),
	signed("cluster-announce-client-port", "", mod, 0, 65535, 0),
	signed("cluster-announce-client-tls-port", "", mod, 0, 65535, 0),
	signed("repl-timeout", "", mod, 1, intMax, 60),
	signed("repl-ping-replica-period", "repl-ping-slave-period", mod, 1, intMax, 10),
	signed("list-compress-depth", "", DebugConfig, 0, intMax, 0),
	signed("rdb-key-save-delay", "", Hidden, intMin, intMax, 0),
	signed("key-load-delay", "", Hidden, intMin, intMax, 0),
	signed("active-expire-effort", "", mod, 1, 10, 1),
	hzDirective(),
	signed("min-replicas-to-write", "min-slaves-to-write", mod, 0, intMax, 0),
	signed("min-replicas-max-lag", "min-slaves-max-lag", mod, 0, intMax, 10),
	signed("watchdog-period", "", Hidden, 0, intMax, 0),
	signed("shutdown-timeout", "", mod, 0, intMax, 10),
	signed("repl-diskless-sync-max-replicas", "", mod, 0, intMax, 0),
	signed("rdma-port", "", mod, 0, 65535, 0).onApply(noRDMA),
	signed("rdma-rx-size", "", imm, 64*1024, 16*1024*1024, 1024*1024),
	signed("rdma-completion-vector", "", imm, -1, 1024, -1),

	// Unsigned int directives.
	unsigned("maxclients", "", mod, 1, uintMax, 10000),
	unsigned("unixsocketperm", "", imm, 0, 0o777, 0).octal(),
	unsigned("socket-mark-id", "", imm, 0, uintMax, 0),
	unsigned("max-new-connections-per-cycle", "", mod, 1, 1000, 10),
	unsigned("max-new-tls-connections-per-cycle", "", mod, 1, 1000, 1),

	// Unsigned long directives.
	unsigned("active-defrag-max-scan-fields", "", mod, 1, longMax, 1000),
	unsigned("commandlog-slow-execution-max-len", "slowlog-max-len", mod, 0, longMax, 128),
	unsigned("commandlog-large-request-max-len", "", mod, 0, longMax, 128),
	unsigned("commandlog-large-reply-max-len", "", mod, 0, longMax, 128),
	unsigned("acllog-max-len", "", mod, 0, longMax, 128),
	unsigned("cluster-blacklist-ttl", "", mod, 0, ulongMax, 60),
	unsigned("cluster-slot-migration-log-max-len", "", mod, 0, longMax, 1000),

	// Long long directives.
	signed("busy-reply-threshold", "lua-time-limit", mod, 0, longMax, 5000),
	signed("cluster-node-timeout", "", mod, 0, longMax, 15000),
	signed("cluster-ping-interval", "", Hidden, 0, longMax, 0),
	signed("commandlog-execution-slower-than", "slowlog-log-slower-than", mod, -1, longMax, 10000),
	signed("commandlog-request-larger-than", "", mod, -1, longMax, 1024*1024),
	signed("commandlog-reply-larger-than", "", mod, -1, longMax, 1024*1024),
	signed("latency-monitor-threshold", "", mod, 0, longMax, 0),
	signed("proto-max-bulk-len", "", DebugConfig, 1024*1024, longMax, 512*1024*1024).memory(),
	signed("stream-node-max-entries", "", mod, 0, longMax, 100),
	signed("repl-backlog-size", "", mod, 1, longMax, 10*1024*1024).memory().clampOnSet(minBacklog),
	signed("cluster-manual-failover-timeout", "", mod, 1, intMax, 5000),

	// Unsigned long long directives.
	unsigned("maxmemory", "", mod, 0, ulongMax, 0).memory(),
	unsigned("cluster-link-sendbuf-limit", "", mod, 0, ulongMax, 0).memory(),

	// size_t directives.
	unsigned("hash-max-listpack-entries", "hash-max-ziplist-entries", mod, 0, longMax, 512),
	unsigned("set-max-intset-entries", "", mod, 0, longMax, 512),
	unsigned("set-max-listpack-entries", "", mod, 0, longMax, 128),
	unsigned("set-max-listpack-value", "", mod, 0, longMax, 64),
	unsigned("zset-max-listpack-entries", "zset-max-ziplist-entries", mod, 0, longMax, 128),
	unsigned("active-defrag-ignore-bytes", "", mod, 1, longMax, 100<<20).memory(),
	unsigned("hash-max-listpack-value", "hash-max-ziplist-value", mod, 0, longMax, 64).memory(),
	unsigned("stream-node-max-bytes", "", mod, 0, longMax, 4096).memory(),
	unsigned("zset-max-listpack-value", "zset-max-ziplist-value", mod, 0, longMax, 64).memory(),
	unsigned("hll-sparse-max-bytes", "", mod, 0, longMax, 3000).memory(),
	unsigned("tracking-table-max-keys", "", mod, 0, longMax, 1000000),
	unsigned("client-query-buffer-limit", "", DebugConfig, 1024*1024, longMax, 1024*1024*1024).memory(),
	// ssize_t directives.
	signed("maxmemory-clients", "", mod, -100, longMax, 0).memory().percent(),
	signed("slot-migration-max-failover-repl-bytes", "", mod, -1, longMax, 0).memory(),

	// time_t and off_t directives.
	signed("repl-backlog-ttl", "", mod, 0, longMax, 60*60),
	signed("auto-aof-rewrite-min-size", "", mod, 0, longMax, 64*1024*1024).memory(),
	signed("loading-process-events-interval-bytes", "", Hidden, 1024, intMax, 2*1024*1024),

	// TLS directives.
	signed("tls-port", "", mod, 0, 65535, 0),
	signed("tls-session-cache-size", "", mod, 0, intMax, 20*1024),
	signed("tls-session-cache-timeout", "", mod, 0, intMax, 300),
	yesno("tls-cluster", "", mod, false),
	yesno("tls-replication", "", mod, false),
	choice("tls-auth-clients", "", mod, tlsAuth, "yes"),
	choice("tls-auth-clients-user", "", mod, tlsAuthUser, "off"),
	yesno("tls-prefer-server-ciphers", "", mod, false),
	yesno("tls-session-caching", "", mod, true),
	nullable("tls-cert-file", "", Volatile),
	nullable("tls-key-file", "", Volatile),
	nullable("tls-key-file-pass", "", Sensitive),
	nullable("tls-client-cert-file", "", Volatile),
	nullable("tls-client-key-file", "", Volatile),
	nullable("tls-client-key-file-pass", "", Sensitive),
	nullable("tls-dh-params-file", "", Volatile),
	nullable("tls-ca-cert-file", "", Volatile),
	nullable("tls-ca-cert-dir", "", Volatile),
	nullable("tls-protocols", "", mod),
	nullable("tls-ciphers", "", mod),
	nullable("tls-ciphersuites", "", mod),

	// Special directives.
	special("dir", "", Protected|DenyLoading, dirOps),
	special("save", "", MultiArg, saveOps),
	special("client-output-buffer-limit", "", MultiArg, obufOps),
	special("oom-score-adj-values", "", MultiArg, oomValuesOps),
	special("notify-keyspace-events", "", mod, notifyOps),
	special("bind", "", MultiArg, bindOps),
	special("rdma-bind", "", MultiArg, rdmaBindOps).onApply(noRDMA),
	special("replicaof", "slaveof", imm|MultiArg, replicaofOps),
	special("latency-tracking-info-percentiles", "", MultiArg, percentilesOps),
}

// Valkey clamps hz into 1..500 after accepting any value in 0..INT_MAX.
const (
	minHz = 1
	maxHz = 500
)

func hzDirective() *Directive {
	d := signed("hz", "", mod, 0, intMax, 10)
	d.clamp = func(v int64) int64 { return min(max(v, minHz), maxHz) }
	return d
}

// minBacklog is Valkey's CONFIG_REPL_BACKLOG_MIN_SIZE: CONFIG SET raises a
// smaller repl-backlog-size to it (a config file does not).
func minBacklog(v int64) int64 { return max(v, 16*1024) }

// deprecated directives are accepted and ignored in config files when they
// have exactly one argument.
var deprecated = map[string]bool{
	"list-max-ziplist-entries": true,
	"list-max-ziplist-value":   true,
	"lua-replicate-commands":   true,
	"io-threads-do-reads":      true,
	"dynamic-hz":               true,
}
