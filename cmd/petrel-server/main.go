// Command petrel-server runs a Petrel server. It takes valkey-server's
// command line:
//
//	petrel-server [/path/to/valkey.conf] [--directive value ...] [-]
//	petrel-server -                  (read the configuration from stdin)
//	petrel-server -v | --version
//	petrel-server -h | --help
//
// Without arguments it runs with Valkey's defaults on port 6379. SIGTERM
// and SIGINT shut it down cleanly (exit status 0).
package main

import (
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"

	"petrel/internal/commands"
	"petrel/internal/config"
	"petrel/internal/server"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `Usage: ./petrel-server [/path/to/valkey.conf] [options] [-]
       ./petrel-server - (read config from stdin)
       ./petrel-server -v or --version
       ./petrel-server -h or --help
       ./petrel-server --test-memory <megabytes>
       ./petrel-server --check-system

Examples:
       ./petrel-server (run the server with default conf)
       echo 'maxmemory 128mb' | ./petrel-server -
       ./petrel-server /etc/valkey/6379.conf
       ./petrel-server --port 7777
       ./petrel-server --port 7777 --replicaof 127.0.0.1 8888
       ./petrel-server /etc/myvalkey.conf --loglevel verbose -
       ./petrel-server /etc/myvalkey.conf --loglevel verbose

Sentinel mode:
       ./petrel-server /etc/sentinel.conf --sentinel
`

// run is main with its environment passed in; it returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cfg := config.New()
	cl, err := cfg.ParseCommandLine(args)
	if err != nil {
		fmt.Fprint(stderr, err.Error())
		return 1
	}
	switch cl.Action {
	case config.ActionVersion:
		fmt.Fprintln(stdout, server.VersionLine())
		return 0
	case config.ActionHelp:
		fmt.Fprint(stdout, usage)
		return 0
	case config.ActionTestMemory:
		fmt.Fprintln(stderr, "petrel-server: --test-memory is not supported: use a dedicated memory tester")
		return 1
	case config.ActionCheckSystem:
		return 0 // Valkey's checks concern its fork-based persistence
	}
	logw := &logWriter{out: stdout}
	logger := log.New(logw, "", 0)
	if err := cfg.LoadCommandLine(cl, stdin); err != nil {
		var le *config.LoadError
		var oe *config.OpenError
		switch {
		case errors.As(err, &le):
			fmt.Fprint(stderr, le.Stderr())
		case errors.As(err, &oe):
			logw.level = '#'
			logger.Print(oe.Error())
		default:
			fmt.Fprintln(stderr, err)
		}
		return 1
	}
	if v, _ := cfg.Get("logfile"); v != "" {
		f, err := os.OpenFile(v, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			fmt.Fprintf(stderr, "Can't open the log file: %v\n", err)
			return 1
		}
		defer f.Close()
		logw.out = f
	}
	if lvl, _ := cfg.Int("loglevel"); lvl == config.LogNothing {
		logw.out = io.Discard
	}

	logger.Print("oO0OoO0OoO0Oo Petrel is starting oO0OoO0OoO0Oo")
	logger.Printf("Petrel version=%s (Valkey %s compatible), bits=%d, pid=%d, just started",
		server.Version, server.ValkeyVersion, strconv.IntSize, os.Getpid())
	if len(args) == 0 {
		logw.level = '#'
		logger.Print("Warning: no config file specified, using the default config. In order to specify a config file use petrel-server /path/to/valkey.conf")
		logw.level = '*'
	} else {
		logger.Print("Configuration loaded")
	}
	if on, _ := cfg.Int("daemonize"); on == 1 {
		logger.Print("daemonize is not supported: running in the foreground")
	}

	// As many Ps as event loops: commands run on the loops, and spare Ps
	// would spin in the scheduler on every wakeup looking for work, which
	// costs more CPU per request than it buys (docs/benchmarks.md).
	if n := server.DefaultEventLoops(); n > 0 && os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(n)
	}
	srv := server.NewFromConfig(cfg, commands.Register)
	srv.SetLogger(logger)
	if err := srv.Listen(); err != nil {
		logw.level = '#'
		port, _ := cfg.Get("port")
		logger.Printf("Warning: Could not create server TCP listening socket: %v", err)
		logger.Printf("Failed listening on port %s (tcp), aborting.", port)
		return 1
	}
	if pidfile, _ := cfg.Get("pidfile"); pidfile != "" {
		if err := os.WriteFile(pidfile, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
			logger.Printf("Failed to write PID file: %v", err)
		} else {
			defer os.Remove(pidfile)
		}
	}
	port, _ := cfg.Get("port")
	logger.Printf("Running mode=standalone, port=%s.", port)
	logger.Print("Server initialized")
	logger.Print("Ready to accept connections tcp")

	stop := handleSignals(srv, cfg, logger)
	defer stop()
	_ = srv.Serve()
	srv.Close()
	return 0
}

// handleSignals shuts the server down on SIGTERM and SIGINT with the
// flags of shutdown-on-sigterm / shutdown-on-sigint. If that fails (a
// save that cannot be written) the server goes on; a second SIGINT then
// exits at once, as Valkey does.
func handleSignals(srv *server.Server, cfg *config.Config, logger *log.Logger) func() {
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, syscall.SIGTERM, syscall.SIGINT)
	done := make(chan struct{})
	go func() {
		pending := false
		for {
			select {
			case <-done:
				return
			case sig := <-ch:
				name, flags := "SIGTERM", cfg.Hot.ShutdownOnSigterm.Load()
				if sig == syscall.SIGINT {
					name, flags = "SIGINT", cfg.Hot.ShutdownOnSigint.Load()
					if pending {
						logger.Print("You insist... exiting now.")
						os.Exit(1)
					}
				}
				logger.Printf("Received %s scheduling shutdown...", name)
				pending = true
				if err := srv.ShutdownWith(server.ShutdownFlags(flags), ""); err == nil {
					return
				}
				pending = false
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}

// logWriter prefixes each log line as Valkey does:
// "pid:M 22 Nov 2026 20:15:43.796 * message".
type logWriter struct {
	mu    sync.Mutex
	out   io.Writer
	level byte // '*' notice, '#' warning
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	lvl := w.level
	if lvl == 0 {
		lvl = '*'
	}
	b := strconv.AppendInt(nil, int64(os.Getpid()), 10)
	b = append(b, ":M "...)
	b = time.Now().AppendFormat(b, "02 Jan 2006 15:04:05.000")
	b = append(b, ' ', lvl, ' ')
	b = append(b, p...)
	if len(p) == 0 || p[len(p)-1] != '\n' {
		b = append(b, '\n')
	}
	if _, err := w.out.Write(b); err != nil {
		return 0, err
	}
	return len(p), nil
}
