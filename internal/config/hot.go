package config

import "sync/atomic"

// Hot holds the directives the server reads on hot paths, as atomics kept
// in sync with the Config on every change (load, CONFIG SET, rollback).
// Reading one is a single atomic load and never blocks; two fields read one
// after the other may straddle a CONFIG SET that changes both.
//
// Enum fields hold the Policy*, Fsync*, Log*, Allowed*, Sanitize*,
// Pubsub* and Shutdown* constants; NotifyKeyspaceEvents holds Notify*
// bits. Byte counts are int64 even where Valkey's type is unsigned
// (maxmemory "18446744073709551615" reads as -1).
type Hot struct {
	// Networking and clients.
	Port                   atomic.Int64
	TLSPort                atomic.Int64
	Maxclients             atomic.Int64
	Timeout                atomic.Int64 // seconds of idleness before a client is closed; 0 never
	TCPKeepalive           atomic.Int64
	TCPBacklog             atomic.Int64
	ProtoMaxBulkLen        atomic.Int64
	ClientQueryBufferLimit atomic.Int64
	MaxmemoryClients       atomic.Int64 // negative: a percentage of maxmemory
	MaxNewConnsPerCycle    atomic.Int64
	ProtectedMode          atomic.Bool
	IOThreads              atomic.Int64
	Databases              atomic.Int64
	ClusterEnabled         atomic.Bool
	ClusterDatabases       atomic.Int64
	// Requirepass is the password of the default user; nil when unset.
	Requirepass atomic.Pointer[string]
	// OutputBufferLimits is never nil after New.
	OutputBufferLimits         atomic.Pointer[OutputBufferLimits]
	ExtendedRedisCompatibility atomic.Bool
	EnableProtectedConfigs     atomic.Int64
	EnableDebugCommand         atomic.Int64
	EnableModuleCommand        atomic.Int64
	// AvailabilityZone is never nil after New ("" when unset).
	AvailabilityZone atomic.Pointer[string]
	ImportMode       atomic.Bool

	// Cron and expiry.
	Hz                 atomic.Int64 // already clamped to 1..500
	ActiveExpireEffort atomic.Int64
	ActiveRehashing    atomic.Bool

	// Memory and eviction.
	Maxmemory                 atomic.Int64
	MaxmemoryPolicy           atomic.Int64
	MaxmemorySamples          atomic.Int64
	MaxmemoryEvictionTenacity atomic.Int64
	LFULogFactor              atomic.Int64
	LFUDecayTime              atomic.Int64
	LazyfreeLazyEviction      atomic.Bool
	LazyfreeLazyExpire        atomic.Bool
	LazyfreeLazyServerDel     atomic.Bool
	LazyfreeLazyUserDel       atomic.Bool
	LazyfreeLazyUserFlush     atomic.Bool

	// Compact encodings.
	HashMaxListpackEntries atomic.Int64
	HashMaxListpackValue   atomic.Int64
	SetMaxIntsetEntries    atomic.Int64
	SetMaxListpackEntries  atomic.Int64
	SetMaxListpackValue    atomic.Int64
	ZsetMaxListpackEntries atomic.Int64
	ZsetMaxListpackValue   atomic.Int64
	ListMaxListpackSize    atomic.Int64
	ListCompressDepth      atomic.Int64
	StreamNodeMaxBytes     atomic.Int64
	StreamNodeMaxEntries   atomic.Int64
	HLLSparseMaxBytes      atomic.Int64

	// Logs and monitoring.
	SlowlogLogSlowerThan         atomic.Int64 // commandlog-execution-slower-than, microseconds
	SlowlogMaxLen                atomic.Int64 // commandlog-slow-execution-max-len
	CommandlogRequestLargerThan  atomic.Int64
	CommandlogLargeRequestMaxLen atomic.Int64
	CommandlogReplyLargerThan    atomic.Int64
	CommandlogLargeReplyMaxLen   atomic.Int64
	LatencyMonitorThreshold      atomic.Int64
	LatencyTracking              atomic.Bool
	AcllogMaxLen                 atomic.Int64
	Loglevel                     atomic.Int64
	NotifyKeyspaceEvents         atomic.Int64
	TrackingTableMaxKeys         atomic.Int64
	AclPubsubDefault             atomic.Int64

	// Scripts and commands.
	BusyReplyThreshold  atomic.Int64 // milliseconds (lua-time-limit)
	SanitizeDumpPayload atomic.Int64

	// Persistence.
	Appendonly              atomic.Bool
	Appendfsync             atomic.Int64
	StopWritesOnBgsaveError atomic.Bool
	Rdbcompression          atomic.Bool
	Rdbchecksum             atomic.Bool
	// SavePoints is never nil after New; it may point to an empty slice.
	SavePoints        atomic.Pointer[[]SavePoint]
	Dbfilename        atomic.Pointer[string]
	ShutdownOnSigint  atomic.Int64
	ShutdownOnSigterm atomic.Int64
	ShutdownTimeout   atomic.Int64

	// Replication.
	ReplicaReadOnly       atomic.Bool
	ReplicaServeStaleData atomic.Bool
	MinReplicasToWrite    atomic.Int64
	MinReplicasMaxLag     atomic.Int64
	ReplBacklogSize       atomic.Int64
}

// hotBindings says which Hot field mirrors which directive.
var hotBindings = map[string]func(h *Hot, v any){
	"port":                              i64(func(h *Hot) *atomic.Int64 { return &h.Port }),
	"tls-port":                          i64(func(h *Hot) *atomic.Int64 { return &h.TLSPort }),
	"maxclients":                        i64(func(h *Hot) *atomic.Int64 { return &h.Maxclients }),
	"timeout":                           i64(func(h *Hot) *atomic.Int64 { return &h.Timeout }),
	"tcp-keepalive":                     i64(func(h *Hot) *atomic.Int64 { return &h.TCPKeepalive }),
	"tcp-backlog":                       i64(func(h *Hot) *atomic.Int64 { return &h.TCPBacklog }),
	"proto-max-bulk-len":                i64(func(h *Hot) *atomic.Int64 { return &h.ProtoMaxBulkLen }),
	"client-query-buffer-limit":         i64(func(h *Hot) *atomic.Int64 { return &h.ClientQueryBufferLimit }),
	"maxmemory-clients":                 i64(func(h *Hot) *atomic.Int64 { return &h.MaxmemoryClients }),
	"max-new-connections-per-cycle":     i64(func(h *Hot) *atomic.Int64 { return &h.MaxNewConnsPerCycle }),
	"protected-mode":                    boolean(func(h *Hot) *atomic.Bool { return &h.ProtectedMode }),
	"io-threads":                        i64(func(h *Hot) *atomic.Int64 { return &h.IOThreads }),
	"databases":                         i64(func(h *Hot) *atomic.Int64 { return &h.Databases }),
	"cluster-enabled":                   boolean(func(h *Hot) *atomic.Bool { return &h.ClusterEnabled }),
	"cluster-databases":                 i64(func(h *Hot) *atomic.Int64 { return &h.ClusterDatabases }),
	"requirepass":                       nullableString(func(h *Hot) *atomic.Pointer[string] { return &h.Requirepass }),
	"extended-redis-compatibility":      boolean(func(h *Hot) *atomic.Bool { return &h.ExtendedRedisCompatibility }),
	"enable-protected-configs":          i64(func(h *Hot) *atomic.Int64 { return &h.EnableProtectedConfigs }),
	"enable-debug-command":              i64(func(h *Hot) *atomic.Int64 { return &h.EnableDebugCommand }),
	"enable-module-command":             i64(func(h *Hot) *atomic.Int64 { return &h.EnableModuleCommand }),
	"availability-zone":                 str(func(h *Hot) *atomic.Pointer[string] { return &h.AvailabilityZone }),
	"import-mode":                       boolean(func(h *Hot) *atomic.Bool { return &h.ImportMode }),
	"hz":                                i64(func(h *Hot) *atomic.Int64 { return &h.Hz }),
	"active-expire-effort":              i64(func(h *Hot) *atomic.Int64 { return &h.ActiveExpireEffort }),
	"activerehashing":                   boolean(func(h *Hot) *atomic.Bool { return &h.ActiveRehashing }),
	"maxmemory":                         i64(func(h *Hot) *atomic.Int64 { return &h.Maxmemory }),
	"maxmemory-policy":                  i64(func(h *Hot) *atomic.Int64 { return &h.MaxmemoryPolicy }),
	"maxmemory-samples":                 i64(func(h *Hot) *atomic.Int64 { return &h.MaxmemorySamples }),
	"maxmemory-eviction-tenacity":       i64(func(h *Hot) *atomic.Int64 { return &h.MaxmemoryEvictionTenacity }),
	"lfu-log-factor":                    i64(func(h *Hot) *atomic.Int64 { return &h.LFULogFactor }),
	"lfu-decay-time":                    i64(func(h *Hot) *atomic.Int64 { return &h.LFUDecayTime }),
	"lazyfree-lazy-eviction":            boolean(func(h *Hot) *atomic.Bool { return &h.LazyfreeLazyEviction }),
	"lazyfree-lazy-expire":              boolean(func(h *Hot) *atomic.Bool { return &h.LazyfreeLazyExpire }),
	"lazyfree-lazy-server-del":          boolean(func(h *Hot) *atomic.Bool { return &h.LazyfreeLazyServerDel }),
	"lazyfree-lazy-user-del":            boolean(func(h *Hot) *atomic.Bool { return &h.LazyfreeLazyUserDel }),
	"lazyfree-lazy-user-flush":          boolean(func(h *Hot) *atomic.Bool { return &h.LazyfreeLazyUserFlush }),
	"hash-max-listpack-entries":         i64(func(h *Hot) *atomic.Int64 { return &h.HashMaxListpackEntries }),
	"hash-max-listpack-value":           i64(func(h *Hot) *atomic.Int64 { return &h.HashMaxListpackValue }),
	"set-max-intset-entries":            i64(func(h *Hot) *atomic.Int64 { return &h.SetMaxIntsetEntries }),
	"set-max-listpack-entries":          i64(func(h *Hot) *atomic.Int64 { return &h.SetMaxListpackEntries }),
	"set-max-listpack-value":            i64(func(h *Hot) *atomic.Int64 { return &h.SetMaxListpackValue }),
	"zset-max-listpack-entries":         i64(func(h *Hot) *atomic.Int64 { return &h.ZsetMaxListpackEntries }),
	"zset-max-listpack-value":           i64(func(h *Hot) *atomic.Int64 { return &h.ZsetMaxListpackValue }),
	"list-max-listpack-size":            i64(func(h *Hot) *atomic.Int64 { return &h.ListMaxListpackSize }),
	"list-compress-depth":               i64(func(h *Hot) *atomic.Int64 { return &h.ListCompressDepth }),
	"stream-node-max-bytes":             i64(func(h *Hot) *atomic.Int64 { return &h.StreamNodeMaxBytes }),
	"stream-node-max-entries":           i64(func(h *Hot) *atomic.Int64 { return &h.StreamNodeMaxEntries }),
	"hll-sparse-max-bytes":              i64(func(h *Hot) *atomic.Int64 { return &h.HLLSparseMaxBytes }),
	"commandlog-execution-slower-than":  i64(func(h *Hot) *atomic.Int64 { return &h.SlowlogLogSlowerThan }),
	"commandlog-slow-execution-max-len": i64(func(h *Hot) *atomic.Int64 { return &h.SlowlogMaxLen }),
	"commandlog-request-larger-than":    i64(func(h *Hot) *atomic.Int64 { return &h.CommandlogRequestLargerThan }),
	"commandlog-large-request-max-len":  i64(func(h *Hot) *atomic.Int64 { return &h.CommandlogLargeRequestMaxLen }),
	"commandlog-reply-larger-than":      i64(func(h *Hot) *atomic.Int64 { return &h.CommandlogReplyLargerThan }),
	"commandlog-large-reply-max-len":    i64(func(h *Hot) *atomic.Int64 { return &h.CommandlogLargeReplyMaxLen }),
	"latency-monitor-threshold":         i64(func(h *Hot) *atomic.Int64 { return &h.LatencyMonitorThreshold }),
	"latency-tracking":                  boolean(func(h *Hot) *atomic.Bool { return &h.LatencyTracking }),
	"acllog-max-len":                    i64(func(h *Hot) *atomic.Int64 { return &h.AcllogMaxLen }),
	"loglevel":                          i64(func(h *Hot) *atomic.Int64 { return &h.Loglevel }),
	"notify-keyspace-events":            i64(func(h *Hot) *atomic.Int64 { return &h.NotifyKeyspaceEvents }),
	"tracking-table-max-keys":           i64(func(h *Hot) *atomic.Int64 { return &h.TrackingTableMaxKeys }),
	"acl-pubsub-default":                i64(func(h *Hot) *atomic.Int64 { return &h.AclPubsubDefault }),
	"busy-reply-threshold":              i64(func(h *Hot) *atomic.Int64 { return &h.BusyReplyThreshold }),
	"sanitize-dump-payload":             i64(func(h *Hot) *atomic.Int64 { return &h.SanitizeDumpPayload }),
	"appendonly":                        boolean(func(h *Hot) *atomic.Bool { return &h.Appendonly }),
	"appendfsync":                       i64(func(h *Hot) *atomic.Int64 { return &h.Appendfsync }),
	"stop-writes-on-bgsave-error":       boolean(func(h *Hot) *atomic.Bool { return &h.StopWritesOnBgsaveError }),
	"rdbcompression":                    boolean(func(h *Hot) *atomic.Bool { return &h.Rdbcompression }),
	"rdbchecksum":                       boolean(func(h *Hot) *atomic.Bool { return &h.Rdbchecksum }),
	"dbfilename":                        str(func(h *Hot) *atomic.Pointer[string] { return &h.Dbfilename }),
	"shutdown-on-sigint":                i64(func(h *Hot) *atomic.Int64 { return &h.ShutdownOnSigint }),
	"shutdown-on-sigterm":               i64(func(h *Hot) *atomic.Int64 { return &h.ShutdownOnSigterm }),
	"shutdown-timeout":                  i64(func(h *Hot) *atomic.Int64 { return &h.ShutdownTimeout }),
	"replica-read-only":                 boolean(func(h *Hot) *atomic.Bool { return &h.ReplicaReadOnly }),
	"replica-serve-stale-data":          boolean(func(h *Hot) *atomic.Bool { return &h.ReplicaServeStaleData }),
	"min-replicas-to-write":             i64(func(h *Hot) *atomic.Int64 { return &h.MinReplicasToWrite }),
	"min-replicas-max-lag":              i64(func(h *Hot) *atomic.Int64 { return &h.MinReplicasMaxLag }),
	"repl-backlog-size":                 i64(func(h *Hot) *atomic.Int64 { return &h.ReplBacklogSize }),
	"save": func(h *Hot, v any) {
		points := append([]SavePoint(nil), v.([]SavePoint)...)
		h.SavePoints.Store(&points)
	},
	"client-output-buffer-limit": func(h *Hot, v any) {
		limits := v.(OutputBufferLimits)
		h.OutputBufferLimits.Store(&limits)
	},
}

func i64(field func(*Hot) *atomic.Int64) func(*Hot, any) {
	return func(h *Hot, v any) { field(h).Store(v.(int64)) }
}

func boolean(field func(*Hot) *atomic.Bool) func(*Hot, any) {
	return func(h *Hot, v any) { field(h).Store(v.(bool)) }
}

func str(field func(*Hot) *atomic.Pointer[string]) func(*Hot, any) {
	return func(h *Hot, v any) {
		s := v.(string)
		field(h).Store(&s)
	}
}

// nullableString stores nil for an empty value (Valkey's NULL).
func nullableString(field func(*Hot) *atomic.Pointer[string]) func(*Hot, any) {
	return func(h *Hot, v any) {
		s := v.(string)
		if s == "" {
			field(h).Store(nil)
			return
		}
		field(h).Store(&s)
	}
}
