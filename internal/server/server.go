package server

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log"
	"net"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"petrel/internal/config"
	"petrel/internal/keyspace"
	"petrel/internal/types/list"
)

// Version is Petrel's own version, shown as petrel_version in INFO.
const Version = "0.1.0"

// RedisVersion is the version Valkey reports for client compatibility.
const RedisVersion = "7.2.4"

// ValkeyVersion is the Valkey release whose behaviour Petrel matches.
const ValkeyVersion = "9.0.4"

// Settings are the configuration values the server reads on its hot
// paths. The config package owns the directives; on every change it
// publishes a new Settings snapshot (Server.SetSettings), so readers load
// one pointer and never lock.
type Settings struct {
	Port                   int
	Bind                   []string
	ProtectedMode          bool
	Requirepass            string
	Maxclients             int
	ProtoMaxBulkLen        int64
	ClientQueryBufferLimit int64
	Databases              int
	Hz                     int
	ActiveExpireEffort     int
	SlowlogSlowerThan      int64 // microseconds; negative disables
	SlowlogMaxLen          int
	EnableDebugCommand     string // "no", "yes", "local"
	// EventLoops is the number of epoll event loops serving connections
	// (Linux; see eventloop_linux.go); 0 serves each connection with its
	// own goroutine. Not a Valkey directive: the environment variable
	// PETREL_EVENTLOOPS sets it, default GOMAXPROCS.
	EventLoops int
	Timeout    int // idle client timeout in seconds, 0 = never

	// Command log (commandlog.go) and latency monitoring (latency.go).
	CommandlogRequestLargerThan  int64 // bytes; negative disables
	CommandlogLargeRequestMaxLen int64
	CommandlogReplyLargerThan    int64 // bytes; negative disables
	CommandlogLargeReplyMaxLen   int64
	LatencyMonitorThreshold      int64 // milliseconds; 0 disables
	LatencyTracking              bool  // per-command latency histograms
	ExtendedRedisCompat          bool  // extended-redis-compatibility
	AvailabilityZone             string
	// ImportMode (import-mode) stops the server expiring keys: an import
	// source client (CLIENT IMPORT-SOURCE ON) owns their expiry.
	ImportMode bool
	// OutputBufferLimits (client-output-buffer-limit) bounds the output
	// pending for a client of each class (outbuf.go).
	OutputBufferLimits config.OutputBufferLimits
}

// DefaultSettings are Valkey's defaults.
func DefaultSettings() *Settings {
	return &Settings{
		Port:                   6379,
		Bind:                   []string{"*", "-::*"},
		ProtectedMode:          true,
		Maxclients:             10000,
		ProtoMaxBulkLen:        512 << 20,
		ClientQueryBufferLimit: 1 << 30,
		Databases:              16,
		Hz:                     10,
		ActiveExpireEffort:     1,
		SlowlogSlowerThan:      10000,
		SlowlogMaxLen:          128,
		EnableDebugCommand:     "no",
		EventLoops:             eventLoopsFromEnv(),

		CommandlogRequestLargerThan:  1 << 20,
		CommandlogLargeRequestMaxLen: 128,
		CommandlogReplyLargerThan:    1 << 20,
		CommandlogLargeReplyMaxLen:   128,
		LatencyTracking:              true,
		OutputBufferLimits: config.OutputBufferLimits{
			config.ClientReplica: {Hard: 256 << 20, Soft: 64 << 20, SoftSeconds: 60},
			config.ClientPubsub:  {Hard: 32 << 20, Soft: 8 << 20, SoftSeconds: 60},
		},
	}
}

// Server is one Petrel server. Several can run in one process.
type Server struct {
	settings atomic.Pointer[Settings]
	reg      *Registry
	ks       *keyspace.Keyspace
	listMem  *list.NodeMem // the packed nodes of every quicklist (types/list/nodemem.go)
	runID    string
	started  time.Time
	logger   *log.Logger
	rdbLast  []byte // DEBUG RELOAD's last snapshot; guarded by holding every shard (rdb.go)

	// Hooks the config layer installs (CONFIG GET/SET/REWRITE/RESETSTAT).
	Config ConfigBackend
	// ConfigFile is the absolute path of the configuration file, if any
	// (INFO config_file); main sets it before Serve.
	ConfigFile string

	lmu       sync.Mutex
	listeners []net.Listener // guarded by lmu: replaced by CONFIG SET bind/port
	serving   bool           // guarded by lmu: Serve has started the accept loops
	loops     *eventLoops    // nil: one goroutine per connection
	clients   clientRegistry
	pause     pauseState
	pubsub    pubsubState  // subscriptions (pubsub.go)
	monitors  monitorState // MONITOR clients (monitor.go)
	repl      replState    // the propagation stream and its replicas (propagate.go, replication.go)
	aof       aofState     // the append-only file (aof.go)
	gc        gcPolicy     // GOGC for the live heap's size (gcpolicy.go)

	dirty          atomic.Int64
	securityLogged atomic.Int64 // unix seconds of the last security warning
	lastSave       atomic.Int64 // unix seconds
	stats          serverStats
	info           infoState     // INFO's own state (info.go)
	obs            observability // command logs, latency monitor and histograms (commandlog.go, latency.go)
	adm            adminState    // COMMAND view, CONFIG glue, DEBUG knobs (server_cmds.go, config_glue.go, debug.go)
	trk            trackingState // client-side caching (tracking.go)
	shuttingDown   atomic.Bool
	done           chan struct{}
	closeOnce      sync.Once
	wg             sync.WaitGroup

	// Extra state owned by command families (slowlog, latency, ...), each
	// guarding itself.
	Ext sync.Map

	watches watchRegistry // WATCHed keys (multi.go)

	scripting scriptingState // EVAL/FCALL engine, the running script, BUSY (scripting.go)
}

type serverStats struct {
	connectionsReceived, rejectedConns, commandsProcessed atomic.Int64
	netInput, netOutput                                   atomic.Int64
	unexpectedErrorReplies, totalErrorReplies             atomic.Int64
	clientQueryBufferLimitDisconnections                  atomic.Int64
	clientOutputBufferLimitDisconnections                 atomic.Int64
	readsProcessed, writesProcessed                       atomic.Int64 // socket reads and writes (INFO total_*_processed)
}

// New returns a server with the given settings; register commands with
// Registry().Handle before Serve.
func New(s *Settings, register ...func(*Registry)) *Server {
	srv := &Server{
		reg:     newRegistry(),
		ks:      keyspace.New(s.Databases),
		listMem: list.NewNodeMem(),
		started: time.Now(),
		logger:  log.New(os.Stderr, "", log.LstdFlags),
		done:    make(chan struct{}),
	}
	srv.SetSettings(s)
	var id [20]byte
	_, _ = rand.Read(id[:])
	srv.runID = hex.EncodeToString(id[:])
	srv.lastSave.Store(time.Now().Unix())
	srv.clients.init()
	srv.pause.init()
	srv.ks.OnExpire = srv.onExpire
	srv.ks.ExpiredSink = immediateExpirySink{srv} // propagate.go
	srv.repl.db = -1
	srv.gc.init()
	srv.ks.OnFieldsExpired = srv.onFieldsExpired
	srv.ks.FieldsExpiredSink = fieldsExpirySink{srv}
	srv.ks.OnKeyMiss, srv.ks.OnNewKey = srv.onKeyMiss, srv.onNewKey // notify.go
	registerCore(srv.reg)
	for _, r := range register {
		r(srv.reg)
	}
	for _, ic := range srv.reg.codecs {
		srv.ks.SetInlineCodec(ic.typ, ic.c)
	}
	srv.info.init(srv)
	return srv
}

// Settings returns the current settings snapshot (never modify it).
func (s *Server) Settings() *Settings { return s.settings.Load() }

// SetSettings publishes a new settings snapshot.
func (s *Server) SetSettings(st *Settings) {
	s.settings.Store(st)
	s.ks.SetImportMode(st.ImportMode)
}

// Registry returns the command registry.
func (s *Server) Registry() *Registry { return s.reg }

// Keyspace returns the server's keyspace.
func (s *Server) Keyspace() *keyspace.Keyspace { return s.ks }

// RunID is the server's random run id.
func (s *Server) RunID() string { return s.runID }

// StartTime is when the server was created.
func (s *Server) StartTime() time.Time { return s.started }

// Logf writes a log line.
func (s *Server) Logf(format string, args ...any) { s.logger.Printf(format, args...) }

// SetLogger replaces the logger (tests silence it).
func (s *Server) SetLogger(l *log.Logger) { s.logger = l }

// Listen opens the listeners for the configured bind addresses and port.
// Addresses prefixed with '-' are optional: failing to bind them is not an
// error, as in Valkey.
func (s *Server) Listen() error {
	st := s.Settings()
	lns, err := listenAll(st.Bind, st.Port)
	if err != nil {
		return err
	}
	s.lmu.Lock()
	s.listeners = lns
	s.lmu.Unlock()
	if st.EventLoops > 0 && s.loops == nil {
		s.loops = s.startEventLoops(st.EventLoops)
	}
	return nil
}

// listenAll opens a listener per bind address on port; on a failure it
// closes those it opened.
func listenAll(bind []string, port int) ([]net.Listener, error) {
	var lns []net.Listener
	for _, b := range bind {
		optional := false
		if len(b) > 0 && b[0] == '-' {
			optional, b = true, b[1:]
		}
		host := b
		network := "tcp"
		switch b {
		case "*":
			host, network = "0.0.0.0", "tcp4"
		case "::*":
			host, network = "::", "tcp6"
		}
		ln, err := net.Listen(network, net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			if optional {
				continue
			}
			for _, l := range lns {
				_ = l.Close()
			}
			return nil, err
		}
		lns = append(lns, ln)
	}
	if len(lns) == 0 {
		return nil, errors.New("failed listening on any address")
	}
	return lns, nil
}

// rebind moves the server to new bind addresses or a new port (CONFIG SET
// bind/port), as Valkey's changeBindAddr: the old listeners close, the new
// ones open; if they cannot, the old addresses are bound again and it
// reports false. Connected clients are not affected.
func (s *Server) rebind(bind []string, port int) bool {
	s.lmu.Lock()
	defer s.lmu.Unlock()
	if s.shuttingDown.Load() {
		return false
	}
	var oldBind []string
	oldPort := 0
	for _, ln := range s.listeners {
		if ta, ok := ln.Addr().(*net.TCPAddr); ok {
			oldPort = ta.Port
			oldBind = append(oldBind, ta.IP.String())
		}
		_ = ln.Close()
	}
	if port == 0 {
		port = oldPort // an ephemeral port (tests) stays where it is
	}
	lns, err := listenAll(bind, port)
	if err != nil {
		s.Logf("Failed to bind %v on port %d: %v", bind, port, err)
		lns, _ = listenAll(oldBind, oldPort)
		s.listeners = lns
		s.startAcceptLocked()
		return false
	}
	s.listeners = lns
	s.startAcceptLocked()
	return true
}

// startAcceptLocked starts an accept loop per listener once Serve runs.
func (s *Server) startAcceptLocked() {
	if !s.serving {
		return
	}
	for _, ln := range s.listeners {
		s.wg.Add(1)
		go s.acceptLoop(ln)
	}
}

// Addr is the address of the first listener.
func (s *Server) Addr() net.Addr {
	s.lmu.Lock()
	defer s.lmu.Unlock()
	return s.listeners[0].Addr()
}

// hasListeners reports whether the server listens anywhere.
func (s *Server) hasListeners() bool {
	s.lmu.Lock()
	defer s.lmu.Unlock()
	return len(s.listeners) > 0
}

// Serve accepts connections on the listeners and runs the cron until
// Shutdown. It returns nil after a clean shutdown.
func (s *Server) Serve() error {
	if err := s.loadAtStartup(); err != nil { // aof.go
		return err
	}
	s.lmu.Lock()
	s.serving = true
	s.startAcceptLocked()
	s.lmu.Unlock()
	s.wg.Add(1)
	go s.cron()
	<-s.done
	s.wg.Wait()
	return nil
}

func (s *Server) acceptLoop(ln net.Listener) {
	defer s.wg.Done()
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.shuttingDown.Load() || errors.Is(err, net.ErrClosed) {
				return // shut down, or replaced by CONFIG SET bind/port
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(5 * time.Millisecond)
				continue
			}
			select {
			case <-s.done:
				return
			default:
			}
			s.Logf("accept: %v", err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		s.stats.connectionsReceived.Add(1)
		s.acceptConn(nc)
	}
}

func (s *Server) closeListeners() {
	s.lmu.Lock()
	defer s.lmu.Unlock()
	for _, ln := range s.listeners {
		_ = ln.Close()
	}
}

// Shutdown stops accepting, closes every client and ends Serve.
func (s *Server) Shutdown() {
	s.closeOnce.Do(func() {
		s.shuttingDown.Store(true)
		s.closeListeners()
		s.clients.closeAll()
		close(s.done)
	})
}

// Done is closed when the server shuts down.
func (s *Server) Done() <-chan struct{} { return s.done }

// Close shuts down and releases the keyspace memory.
func (s *Server) Close() {
	s.Shutdown()
	s.wg.Wait()
	s.clients.waitAll()
	if s.loops != nil {
		s.loops.stop()
	}
	s.stopAOF() // flushed and synced (aof.go)
	s.ks.Close()
}

// cron runs periodic upkeep at hz: active expiry and table rehashing.
func (s *Server) cron() {
	defer s.wg.Done()
	for {
		hz := s.Settings().Hz
		if hz < 1 {
			hz = 1
		}
		period := time.Second / time.Duration(hz)
		select {
		case <-s.done:
			return
		case <-time.After(period):
		}
		st := s.Settings()
		if s.activeExpireEnabled() && !s.writesPaused() && !st.ImportMode {
			// Valkey's slow cycle may use 25% of a period (more with effort).
			budget := period * time.Duration(25+2*(st.ActiveExpireEffort-1)) / 100
			s.ks.ActiveExpireCycle(time.Now().UnixMilli(), budget, st.ActiveExpireEffort)
		}
		s.ks.Cron(time.Millisecond)
		s.clients.cron(s, time.Now())
		s.infoCron(time.Now())
		s.aofCron()   // everysec's fsync (aof.go)
		s.gc.adjust() // gcpolicy.go
		s.gc.releaseIfQuiet(s.stats.commandsProcessed.Load(), time.Now())
	}
}

func (s *Server) activeExpireEnabled() bool {
	v, ok := s.Ext.Load(extActiveExpireOff)
	return !ok || !v.(bool)
}

type extKey int

const (
	extActiveExpireOff extKey = iota
)

// SetActiveExpire turns the active expiry cycle on or off (DEBUG
// SET-ACTIVE-EXPIRE).
func (s *Server) SetActiveExpire(on bool) { s.Ext.Store(extActiveExpireOff, !on) }

// onExpire runs with the key's shard locked when a key's TTL ends.
func (s *Server) onExpire(db int, key []byte) {
	s.keyModified(nil, db, key)
	s.notifyKeyspace(db, key, "expired")
}

// onFieldsExpired runs with the key's shard locked when the active cycle
// reclaims n expired fields of a collection (hash field expiration), and
// whether that emptied and deleted the key.
func (s *Server) onFieldsExpired(db int, key []byte, n int, keyDeleted bool) {
	s.notifyKeyspaceClass(config.NotifyExpired, db, key, "hexpired") // class x from the active cycle
	if keyDeleted {
		s.notifyKeyspace(db, key, "del")
	}
	s.keyModified(nil, db, key) // WATCH and client-side caching, as Valkey's signalModifiedKey
}

// Dirty is the number of changes since the last save.
func (s *Server) Dirty() int64 { return s.dirty.Load() }

// eventLoopsFromEnv reads PETREL_EVENTLOOPS; the default is one loop per
// two CPUs (at least one): the other half is left to the kernel's network
// stack and the clients, as Valkey's io-threads guidance does.
func eventLoopsFromEnv() int {
	if v, err := strconv.Atoi(os.Getenv("PETREL_EVENTLOOPS")); err == nil && v >= 0 {
		return v
	}
	return max(1, runtime.NumCPU()/2)
}

// DefaultEventLoops is the number of event loops a server gets by default.
func DefaultEventLoops() int { return eventLoopsFromEnv() }
