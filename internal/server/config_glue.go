package server

import (
	"errors"
	"runtime"
	"strconv"
	"strings"

	"petrel/internal/config"
)

// The glue between the configuration (internal/config) and the server.
//
// A Config holds every directive; the server reads the few it needs on hot
// paths from a Settings snapshot. NewFromConfig builds the first snapshot
// from the Config and registers a change hook on each directive a Settings
// field mirrors, so every CONFIG SET that changes one publishes a new
// snapshot (SetSettings) before replying. CONFIG GET/SET/REWRITE go to the
// Config through ConfigBackend.
//
// A server built with New from bare Settings (tests) has no Config; the
// first CONFIG command then builds one from its Settings, with the same
// hooks, so CONFIG works on every server.

// ConfigBackend is what CONFIG (and INFO) need from the configuration
// layer. Errors carry Valkey's full reply text ("ERR ...").
type ConfigBackend interface {
	// Get returns CONFIG GET's name/value pairs for the patterns, sorted
	// by name.
	Get(patterns []string) [][2]string
	// Set applies CONFIG SET's pairs atomically: all or none. local says
	// whether the client is on a loopback connection (for
	// enable-protected-configs local).
	Set(pairs [][2]string, local bool) error
	// Rewrite implements CONFIG REWRITE.
	Rewrite() error
}

// configAdapter serves ConfigBackend from a *config.Config.
type configAdapter struct{ cfg *config.Config }

func (a configAdapter) Get(patterns []string) [][2]string {
	pairs := a.cfg.GetPattern(patterns)
	out := make([][2]string, len(pairs))
	for i, p := range pairs {
		out[i] = [2]string{p.Name, p.Value}
	}
	return out
}

func (a configAdapter) Set(pairs [][2]string, local bool) error {
	return a.cfg.SetManyWith(pairs, config.SetOptions{Local: local})
}

func (a configAdapter) Rewrite() error { return a.cfg.Rewrite() }

// NewFromConfig returns a server configured by cfg (already loaded), with
// the given command families registered. CONFIG SET on cfg's hot
// directives takes effect at once.
func NewFromConfig(cfg *config.Config, register ...func(*Registry)) *Server {
	s := New(settingsFromConfig(cfg, DefaultSettings()), register...)
	s.Config = configAdapter{cfg}
	s.ConfigFile = cfg.File()
	s.attachConfig(cfg)
	return s
}

// settingsDirectives are the directives Settings mirrors; a change to any
// of them publishes a new snapshot.
var settingsDirectives = []string{
	"port", "bind", "protected-mode", "requirepass", "maxclients",
	"proto-max-bulk-len", "client-query-buffer-limit", "hz", "active-expire-effort",
	"commandlog-execution-slower-than", "commandlog-slow-execution-max-len",
	"commandlog-request-larger-than", "commandlog-large-request-max-len",
	"commandlog-reply-larger-than", "commandlog-large-reply-max-len",
	"latency-monitor-threshold", "latency-tracking", "timeout",
	"extended-redis-compatibility", "availability-zone", "import-mode",
	"client-output-buffer-limit",
}

// settingsFromConfig returns base with every field cfg holds replaced by
// cfg's current value.
func settingsFromConfig(cfg *config.Config, base *Settings) *Settings {
	st := *base
	h := &cfg.Hot
	st.Port = int(h.Port.Load())
	st.Bind = cfg.Bind()
	st.ProtectedMode = h.ProtectedMode.Load()
	st.Requirepass = ""
	if p := h.Requirepass.Load(); p != nil {
		st.Requirepass = *p
	}
	st.Maxclients = int(h.Maxclients.Load())
	st.ProtoMaxBulkLen = h.ProtoMaxBulkLen.Load()
	st.ClientQueryBufferLimit = h.ClientQueryBufferLimit.Load()
	st.Databases = int(h.Databases.Load())
	st.Hz = int(h.Hz.Load())
	st.ActiveExpireEffort = int(h.ActiveExpireEffort.Load())
	st.SlowlogSlowerThan = h.SlowlogLogSlowerThan.Load()
	st.SlowlogMaxLen = int(h.SlowlogMaxLen.Load())
	st.CommandlogRequestLargerThan = h.CommandlogRequestLargerThan.Load()
	st.CommandlogLargeRequestMaxLen = h.CommandlogLargeRequestMaxLen.Load()
	st.CommandlogReplyLargerThan = h.CommandlogReplyLargerThan.Load()
	st.CommandlogLargeReplyMaxLen = h.CommandlogLargeReplyMaxLen.Load()
	st.LatencyMonitorThreshold = h.LatencyMonitorThreshold.Load()
	st.LatencyTracking = h.LatencyTracking.Load()
	st.Timeout = int(h.Timeout.Load())
	st.ExtendedRedisCompat = h.ExtendedRedisCompatibility.Load()
	st.AvailabilityZone = ""
	if z := h.AvailabilityZone.Load(); z != nil {
		st.AvailabilityZone = *z
	}
	st.ImportMode = h.ImportMode.Load()
	if l := h.OutputBufferLimits.Load(); l != nil {
		st.OutputBufferLimits = *l
	}
	switch h.EnableDebugCommand.Load() {
	case config.AllowedYes:
		st.EnableDebugCommand = "yes"
	case config.AllowedLocal:
		st.EnableDebugCommand = "local"
	default:
		st.EnableDebugCommand = "no"
	}
	return &st
}

// errRebind and errRebindPort are the reasons a CONFIG SET of bind or
// port fails: the new addresses could not all be bound (the old ones are
// bound again).
var (
	errRebind     = errors.New("Failed to bind to specified addresses.")
	errRebindPort = errors.New("Unable to listen on this port. Check server logs.")
)

// attachConfig makes cfg the server's configuration: its change hooks
// publish new Settings and apply the directives the keyspace reads.
func (s *Server) attachConfig(cfg *config.Config) {
	s.adm.cfg.Store(cfg)
	cfg.Hooks.Warn = func(msg string) { s.Logf("%s", msg) }
	republish := func(old, new string) error {
		s.SetSettings(settingsFromConfig(cfg, s.Settings()))
		return nil
	}
	for _, name := range settingsDirectives {
		switch name {
		case "port", "bind":
			cfg.OnChange(name, func(old, new string) error {
				if !s.rebind(cfg.Bind(), int(cfg.Hot.Port.Load())) {
					if name == "port" {
						return errRebindPort
					}
					return errRebind
				}
				return republish(old, new)
			})
		default:
			cfg.OnChange(name, republish)
		}
	}
	lfu := func(string, string) error {
		p := cfg.Hot.MaxmemoryPolicy.Load()
		s.ks.SetLFU(p == config.PolicyAllkeysLFU || p == config.PolicyVolatileLFU,
			cfg.Hot.LFULogFactor.Load(), cfg.Hot.LFUDecayTime.Load())
		return nil
	}
	for _, name := range []string{"maxmemory-policy", "lfu-log-factor", "lfu-decay-time"} {
		cfg.OnChange(name, lfu)
	}
	_ = lfu("", "")
	// Keyspace notifications of classes m and n (notify.go), and
	// tracking-table-max-keys applied at once (tracking.go).
	s.ks.SetKeyEventFlags(&cfg.Hot.NotifyKeyspaceEvents, config.NotifyKeyMiss, config.NotifyNew)
	cfg.OnChange("tracking-table-max-keys", s.trackingMaxKeysChanged)
	cfg.OnChange("appendonly", s.appendonlyChanged) // aof.go
}

// configBackend returns the server's configuration, building one from its
// Settings the first time if it was created without one.
func (s *Server) configBackend() ConfigBackend {
	if s.Config != nil {
		return s.Config
	}
	s.adm.cfgOnce.Do(func() {
		cfg := config.New()
		if err := cfg.LoadString(settingsConfigText(s.Settings())); err != nil {
			s.Logf("building a configuration from the settings: %v", err)
		}
		s.adm.lazyCfg = configAdapter{cfg}
		s.attachConfig(cfg)
	})
	return s.adm.lazyCfg
}

// settingsConfigText renders Settings as config file lines.
func settingsConfigText(st *Settings) string {
	var b strings.Builder
	line := func(name string, args ...string) {
		b.WriteString(name)
		for _, a := range args {
			b.WriteByte(' ')
			b.WriteString(config.Quote(a))
		}
		b.WriteByte('\n')
	}
	yesno := func(v bool) string {
		if v {
			return "yes"
		}
		return "no"
	}
	itoa := func(n int64) string { return strconv.FormatInt(n, 10) }
	line("port", itoa(int64(st.Port)))
	line("bind", st.Bind...)
	line("protected-mode", yesno(st.ProtectedMode))
	line("requirepass", st.Requirepass)
	line("maxclients", itoa(int64(st.Maxclients)))
	line("proto-max-bulk-len", itoa(st.ProtoMaxBulkLen))
	line("client-query-buffer-limit", itoa(st.ClientQueryBufferLimit))
	line("databases", itoa(int64(st.Databases)))
	line("hz", itoa(int64(st.Hz)))
	line("active-expire-effort", itoa(int64(st.ActiveExpireEffort)))
	line("commandlog-execution-slower-than", itoa(st.SlowlogSlowerThan))
	line("commandlog-slow-execution-max-len", itoa(int64(st.SlowlogMaxLen)))
	line("commandlog-request-larger-than", itoa(st.CommandlogRequestLargerThan))
	line("commandlog-large-request-max-len", itoa(st.CommandlogLargeRequestMaxLen))
	line("commandlog-reply-larger-than", itoa(st.CommandlogReplyLargerThan))
	line("commandlog-large-reply-max-len", itoa(st.CommandlogLargeReplyMaxLen))
	line("latency-monitor-threshold", itoa(st.LatencyMonitorThreshold))
	line("latency-tracking", yesno(st.LatencyTracking))
	line("timeout", itoa(int64(st.Timeout)))
	line("extended-redis-compatibility", yesno(st.ExtendedRedisCompat))
	line("availability-zone", st.AvailabilityZone)
	line("import-mode", yesno(st.ImportMode))
	for class, name := range [...]string{config.ClientNormal: "normal", config.ClientReplica: "replica", config.ClientPubsub: "pubsub"} {
		l := st.OutputBufferLimits[class]
		line("client-output-buffer-limit", name, strconv.FormatUint(l.Hard, 10), strconv.FormatUint(l.Soft, 10), itoa(l.SoftSeconds))
	}
	line("enable-debug-command", st.EnableDebugCommand)
	return b.String()
}

// VersionLine is what "petrel-server --version" prints, in
// valkey-server's format (tools read the v= field), with Petrel's own
// version at the end.
func VersionLine() string {
	sha, dirty, id := buildInfo()
	return "Valkey server v=" + ValkeyVersion + " sha=" + sha + ":" + dirty + " malloc=" + runtime.Version() +
		" bits=" + strconv.Itoa(strconv.IntSize) + " build=" + id + " petrel=" + Version
}
