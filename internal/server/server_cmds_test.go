package server_test

import (
	"context"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"petrel/internal/commands"
	"petrel/internal/config"
	"petrel/internal/server"
	"petrel/internal/servertest"
)

// startConfigured runs a server built from a Config loaded from text (on
// top of a loopback bind, a random port and DEBUG allowed).
func startConfigured(t *testing.T, text string) (*server.Server, *config.Config) {
	t.Helper()
	cfg := config.New()
	if err := cfg.LoadString("bind 127.0.0.1\nport 0\nenable-debug-command yes\n" + text); err != nil {
		t.Fatalf("config: %v", err)
	}
	return startWith(t, cfg), cfg
}

func startWith(t *testing.T, cfg *config.Config) *server.Server {
	t.Helper()
	srv := server.NewFromConfig(cfg, commands.Register)
	srv.SetLogger(log.New(io.Discard, "", 0))
	if err := srv.Listen(); err != nil {
		t.Fatalf("listen: %v", err)
	}
	go func() { _ = srv.Serve() }()
	t.Cleanup(srv.Close)
	return srv
}

// expect sends a command on a raw connection and compares the raw reply.
func expect(t *testing.T, r *servertest.Raw, want string, args ...string) {
	t.Helper()
	if got := r.Do(args...); got != want {
		t.Errorf("%q:\n got %q\nwant %q", args, got, want)
	}
}

// expectMatch compares a raw reply with a regular expression.
func expectMatch(t *testing.T, r *servertest.Raw, re string, args ...string) string {
	t.Helper()
	got := r.Do(args...)
	if !regexp.MustCompile(re).MatchString(got) {
		t.Errorf("%q:\n got %q\nwant match of %q", args, got, re)
	}
	return got
}

func bulk(s string) string { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }

const errArity = "-ERR wrong number of arguments for '%s' command\r\n"

func arity(name string) string { return strings.Replace(errArity, "%s", name, 1) }

func ctx() context.Context { return context.Background() }

// ---------------------------------------------------------------------------
// COMMAND

func TestCommandListsImplementedCommands(t *testing.T) {
	srv := servertest.Start(t, nil, commands.Register)
	c := servertest.Client(t, srv, 3)
	impl := map[string]bool{}
	top := map[string]bool{}
	for _, n := range srv.Registry().Implemented() {
		impl[n] = true
		top[strings.SplitN(n, "|", 2)[0]] = true
	}
	n, err := c.Do(ctx(), "COMMAND", "COUNT").Int64()
	if err != nil || int(n) != len(top) {
		t.Fatalf("COMMAND COUNT = %d, %v; want %d", n, err, len(top))
	}
	all, err := c.Do(ctx(), "COMMAND").Slice()
	if err != nil || len(all) != len(top) {
		t.Fatalf("COMMAND: %d entries, %v; want %d", len(all), err, len(top))
	}
	list, err := c.Do(ctx(), "COMMAND", "LIST").StringSlice()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range list {
		if !impl[name] && !top[name] {
			t.Errorf("COMMAND LIST has %q, which has no handler", name)
		}
	}
	if !impl["get"] || !contains(list, "get") || !contains(list, "config|get") {
		t.Errorf("COMMAND LIST misses get or config|get")
	}
	// A command with no handler is as unknown to COMMAND as to dispatch.
	if impl["sentinel"] {
		t.Fatal("sentinel has a handler?")
	}
	raw := servertest.Dial(t, srv)
	expect(t, raw, "*2\r\n$-1\r\n$-1\r\n", "COMMAND", "INFO", "nosuchcommand", "cluster|info")
	expect(t, raw, "-ERR Invalid command specified\r\n", "COMMAND", "GETKEYS", "cluster", "countkeysinslot", "1")
	expect(t, raw, "*0\r\n", "COMMAND", "DOCS", "nosuchcommand")
	expect(t, raw, "*0\r\n", "COMMAND", "LIST", "FILTERBY", "PATTERN", "cluster*")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestCommandSubcommands(t *testing.T) {
	srv := servertest.Start(t, nil, commands.Register)
	r := servertest.Dial(t, srv)
	get := "*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n" +
		"*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n" +
		"$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"
	expect(t, r, "*1\r\n"+get, "COMMAND", "INFO", "GET")
	expect(t, r, "*1\r\n$1\r\na\r\n", "COMMAND", "GETKEYS", "SET", "a", "b")
	expect(t, r, "*1\r\n*2\r\n$1\r\na\r\n*2\r\n+OW\r\n+update\r\n", "COMMAND", "GETKEYSANDFLAGS", "set", "a", "b")
	expect(t, r, "-ERR Invalid command specified\r\n", "COMMAND", "GETKEYS", "nosuch", "a")
	expect(t, r, "-ERR The command has no key arguments\r\n", "COMMAND", "GETKEYS", "ping")
	expect(t, r, "-ERR Invalid number of arguments specified for command\r\n", "COMMAND", "GETKEYS", "get")
	expect(t, r, arity("command|getkeys"), "COMMAND", "GETKEYS")
	expect(t, r, arity("command|count"), "COMMAND", "COUNT", "x")
	for _, args := range [][]string{
		{"COMMAND", "LIST", "FILTERBY"},
		{"COMMAND", "LIST", "FILTERBY", "PATTERN"},
		{"COMMAND", "LIST", "FILTERBY", "foo", "x"},
		{"COMMAND", "LIST", "foo"},
		{"COMMAND", "LIST", "FILTERBY", "PATTERN", "x*", "FILTERBY", "PATTERN", "y*"},
	} {
		expect(t, r, "-ERR syntax error\r\n", args...)
	}
	expect(t, r, "*0\r\n", "COMMAND", "LIST", "FILTERBY", "MODULE", "x")
	expect(t, r, "*0\r\n", "COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch")
	expect(t, r, "*2\r\n$10\r\nconfig|get\r\n$10\r\nconfig|set\r\n", "COMMAND", "LIST", "FILTERBY", "PATTERN", "config|?et")
	expectMatch(t, r, `(?s)^\*2\r\n\$7\r\nslowlog\r\n\*10\r\n.*\$11\r\nslowlog\|get\r\n`, "COMMAND", "DOCS", "slowlog")
	help := expectMatch(t, r, `^\*21\r\n\+COMMAND <subcommand> \[<arg> \[value\] \[opt\] \.\.\.\]\. Subcommands are:\r\n\+\(no subcommand\)\r\n`, "COMMAND", "HELP")
	if !strings.HasSuffix(help, "+HELP\r\n+    Print this help.\r\n") {
		t.Errorf("COMMAND HELP ends with %q", help[len(help)-40:])
	}
	expect(t, r, "-ERR unknown subcommand 'FOO'. Try COMMAND HELP.\r\n", "COMMAND", "FOO")
}

// ---------------------------------------------------------------------------
// CONFIG

func TestConfigGetShapes(t *testing.T) {
	srv, _ := startConfigured(t, "")
	r := servertest.Dial(t, srv)
	expect(t, r, "*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n", "CONFIG", "GET", "maxclients")
	expect(t, r, "*4\r\n$2\r\nhz\r\n$2\r\n10\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n", "CONFIG", "GET", "maxclients", "hz")
	expect(t, r, "*0\r\n", "CONFIG", "GET", "nosuch")
	expect(t, r, "*4\r\n$23\r\nslowlog-log-slower-than\r\n$5\r\n10000\r\n$15\r\nslowlog-max-len\r\n$3\r\n128\r\n", "CONFIG", "GET", "slowlog*")
	expect(t, r, arity("config|get"), "CONFIG", "GET")
	r.Do("HELLO", "3")
	expect(t, r, "%2\r\n$2\r\nhz\r\n$2\r\n10\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n", "CONFIG", "GET", "maxclients", "hz")
	expect(t, r, "%0\r\n", "CONFIG", "GET", "nosuch")
}

func TestConfigSetIsAtomic(t *testing.T) {
	srv, cfg := startConfigured(t, "")
	r := servertest.Dial(t, srv)
	expect(t, r, "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer\r\n",
		"CONFIG", "SET", "hz", "50", "maxclients", "x")
	expect(t, r, "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n", "CONFIG", "SET", "hz", "x", "foo", "1")
	expect(t, r, "-ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter\r\n", "CONFIG", "SET", "hz", "10", "hz", "11")
	expect(t, r, "-ERR syntax error\r\n", "CONFIG", "SET", "hz", "10", "maxclients")
	expect(t, r, "-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config\r\n", "CONFIG", "SET", "databases", "3")
	expect(t, r, arity("config|set"), "CONFIG", "SET", "hz")
	if v, _ := cfg.Get("hz"); v != "10" || srv.Settings().Hz != 10 {
		t.Fatalf("a failed CONFIG SET changed hz: config %s, settings %d", v, srv.Settings().Hz)
	}
	expect(t, r, "+OK\r\n", "CONFIG", "SET", "hz", "50", "maxclients", "77", "timeout", "5")
	if st := srv.Settings(); st.Hz != 50 || st.Maxclients != 77 || st.Timeout != 5 {
		t.Fatalf("settings after CONFIG SET: hz %d maxclients %d timeout %d", st.Hz, st.Maxclients, st.Timeout)
	}
	expect(t, r, "*2\r\n$2\r\nhz\r\n$2\r\n50\r\n", "CONFIG", "GET", "hz")
	// A port that cannot be bound fails the whole CONFIG SET.
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := strconv.Itoa(busy.Addr().(*net.TCPAddr).Port)
	expect(t, r, "-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.\r\n",
		"CONFIG", "SET", "hz", "20", "port", busyPort)
	if srv.Settings().Hz != 50 {
		t.Fatalf("rolled-back CONFIG SET left hz at %d", srv.Settings().Hz)
	}
	expect(t, r, "+PONG\r\n", "PING")
}

// CONFIG SET port and bind move the listeners at run time, as Valkey's
// changeListenerPort/changeBindAddr: connected clients stay, new ones go to
// the new address; an address that cannot be bound fails the CONFIG SET
// and leaves the server listening where it was.
func TestConfigSetPortAndBind(t *testing.T) {
	srv, _ := startConfigured(t, "")
	r := servertest.Dial(t, srv)
	oldAddr := srv.Addr().String()

	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(free.Addr().(*net.TCPAddr).Port)
	free.Close()
	expect(t, r, "+OK\r\n", "CONFIG", "SET", "port", port)
	expect(t, r, "+PONG\r\n", "PING") // the existing connection stays
	if got := srv.Addr().String(); got != "127.0.0.1:"+port {
		t.Fatalf("listening on %s after CONFIG SET port %s", got, port)
	}
	r2 := servertest.Dial(t, srv)
	expect(t, r2, "+PONG\r\n", "PING")
	if c, err := net.DialTimeout("tcp", oldAddr, time.Second); err == nil {
		c.Close()
		t.Fatalf("the old address %s still accepts connections", oldAddr)
	}
	expect(t, r, "*2\r\n$4\r\nport\r\n$"+strconv.Itoa(len(port))+"\r\n"+port+"\r\n", "CONFIG", "GET", "port")

	// 192.0.2.1 (TEST-NET-1) is never a local address.
	expect(t, r, "-ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.\r\n",
		"CONFIG", "SET", "bind", "127.0.0.1 192.0.2.1")
	expect(t, r, "*2\r\n$4\r\nbind\r\n$9\r\n127.0.0.1\r\n", "CONFIG", "GET", "bind")
	r3 := servertest.Dial(t, srv)
	expect(t, r3, "+PONG\r\n", "PING")

	// Optional addresses ("-") that fail are skipped.
	expect(t, r, "+OK\r\n", "CONFIG", "SET", "bind", "127.0.0.1 -192.0.2.1")
	r4 := servertest.Dial(t, srv)
	expect(t, r4, "+PONG\r\n", "PING")
}

func TestConfigSetTakesEffect(t *testing.T) {
	srv, _ := startConfigured(t, "")
	r := servertest.Dial(t, srv)

	// maxclients: the next connection is refused.
	expect(t, r, "+OK\r\n", "CONFIG", "SET", "maxclients", "1")
	r2 := servertest.Dial(t, srv)
	if got, err := servertest.ReadRaw(r2.R); err != nil || got != "-ERR max number of clients reached\r\n" {
		t.Fatalf("second client with maxclients 1: %q %v", got, err)
	}
	expect(t, r, "+OK\r\n", "CONFIG", "SET", "maxclients", "10000")

	// requirepass: new connections must authenticate; the current one stays in.
	expect(t, r, "+OK\r\n", "CONFIG", "SET", "requirepass", "s3cret")
	r3 := servertest.Dial(t, srv)
	expect(t, r3, "-NOAUTH Authentication required.\r\n", "GET", "k")
	expect(t, r3, "-WRONGPASS invalid username-password pair or user is disabled.\r\n", "AUTH", "nope")
	expect(t, r3, "+OK\r\n", "AUTH", "s3cret")
	expect(t, r, "+OK\r\n", "CONFIG", "SET", "requirepass", "")
	r4 := servertest.Dial(t, srv)
	expect(t, r4, "+PONG\r\n", "PING")

	// hz is read by the cron from the published settings.
	expect(t, r, "+OK\r\n", "CONFIG", "SET", "hz", "100")
	if srv.Settings().Hz != 100 {
		t.Fatalf("hz = %d", srv.Settings().Hz)
	}
	expect(t, r, "+OK\r\n", "CONFIG", "SET", "hz", "1000")
	expect(t, r, "*2\r\n$2\r\nhz\r\n$3\r\n500\r\n", "CONFIG", "GET", "hz")
}

func TestConfigOnServerWithoutConfig(t *testing.T) {
	// servertest builds servers from bare Settings: CONFIG builds a Config
	// from them on first use.
	srv := servertest.Start(t, func(st *server.Settings) { st.Maxclients = 123 }, commands.Register)
	r := servertest.Dial(t, srv)
	expect(t, r, "*2\r\n$10\r\nmaxclients\r\n$3\r\n123\r\n", "CONFIG", "GET", "maxclients")
	expect(t, r, "+OK\r\n", "CONFIG", "SET", "hz", "42")
	if srv.Settings().Hz != 42 {
		t.Fatalf("hz = %d", srv.Settings().Hz)
	}
	expect(t, r, "-ERR The server is running without a config file\r\n", "CONFIG", "REWRITE")
}

func TestConfigRewriteKeepsComments(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "petrel.conf")
	orig := "# My server\nbind 127.0.0.1\nport 0\n\n# how often the cron runs\nhz 20\n# the end\n"
	if err := os.WriteFile(path, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := config.New()
	if err := cfg.LoadFile(path); err != nil {
		t.Fatal(err)
	}
	srv := startWith(t, cfg)
	r := servertest.Dial(t, srv)
	expect(t, r, "+OK\r\n", "CONFIG", "SET", "hz", "30", "maxclients", "500")
	expect(t, r, "+OK\r\n", "CONFIG", "REWRITE")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{"# My server\n", "# how often the cron runs\nhz 30\n", "# the end\n", "maxclients 500\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("rewritten file lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "hz 20") {
		t.Errorf("rewritten file still has the old hz:\n%s", got)
	}
	if srv.ConfigFile != path {
		t.Errorf("ConfigFile = %q, want %q", srv.ConfigFile, path)
	}
}

func TestConfigResetStatAndHelp(t *testing.T) {
	srv, _ := startConfigured(t, "")
	r := servertest.Dial(t, srv)
	r.Do("SET", "a", "1")
	expectMatch(t, r, `cmdstat_set:calls=1,`, "INFO", "commandstats")
	expect(t, r, "+OK\r\n", "CONFIG", "RESETSTAT")
	if got := r.Do("INFO", "commandstats"); strings.Contains(got, "cmdstat_set") {
		t.Errorf("INFO commandstats after RESETSTAT: %q", got)
	}
	expectMatch(t, r, `(?s)^\*11\r\n\+CONFIG <subcommand> .*\+REWRITE\r\n\+    Rewrite the configuration file\.\r\n\+HELP\r\n`, "CONFIG", "HELP")
	expect(t, r, "-ERR unknown subcommand 'foo'. Try CONFIG HELP.\r\n", "CONFIG", "foo")
}

// ---------------------------------------------------------------------------
// SLOWLOG and COMMANDLOG

func TestSlowlog(t *testing.T) {
	srv, _ := startConfigured(t, "slowlog-log-slower-than 0\n")
	r := servertest.Dial(t, srv)
	expect(t, r, "+OK\r\n", "SLOWLOG", "RESET")
	expect(t, r, "+OK\r\n", "SET", "foo", "bar")
	expect(t, r, "+OK\r\n", "CLIENT", "SETNAME", "myname")
	addr := bulk(r.Conn.LocalAddr().String())
	// Newest first: CLIENT SETNAME (with the name it set), SET, SLOWLOG RESET.
	entry := func(id int, args ...string) string {
		s := "\\*6\r\n:" + strconv.Itoa(id) + "\r\n:[0-9]+\r\n:[0-9]+\r\n\\*" + strconv.Itoa(len(args)) + "\r\n"
		for _, a := range args {
			s += regexp.QuoteMeta(bulk(a))
		}
		return s + regexp.QuoteMeta(addr)
	}
	expectMatch(t, r, "^\\*3\r\n"+entry(2, "CLIENT", "SETNAME", "myname")+"\\$6\r\nmyname\r\n"+
		entry(1, "SET", "foo", "bar")+"\\$0\r\n\r\n"+entry(0, "SLOWLOG", "RESET")+"\\$0\r\n\r\n$", "SLOWLOG", "GET")
	expectMatch(t, r, "^\\*1\r\n"+entry(3, "SLOWLOG", "GET"), "SLOWLOG", "GET", "1")
	expect(t, r, ":5\r\n", "SLOWLOG", "LEN")
	expect(t, r, "-ERR count should be greater than or equal to -1\r\n", "SLOWLOG", "GET", "-2")
	expect(t, r, "-ERR count should be greater than or equal to -1\r\n", "SLOWLOG", "GET", "x")
	expect(t, r, "-ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP.\r\n", "slowlog", "get", "1", "2")
	expect(t, r, arity("slowlog|len"), "SLOWLOG", "LEN", "x")
	expect(t, r, arity("slowlog"), "SLOWLOG")
	expect(t, r, "-ERR unknown subcommand 'foo'. Try SLOWLOG HELP.\r\n", "SLOWLOG", "foo")
	n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(r.Do("SLOWLOG", "LEN"), ":")))
	// The LEN just run is logged too: GET -1 returns one more.
	if got := r.Do("SLOWLOG", "GET", "-1"); !strings.HasPrefix(got, "*"+strconv.Itoa(n+1)+"\r\n") {
		t.Errorf("SLOWLOG GET -1 after LEN %d: %q", n, got[:10])
	}

	// Long arguments are cut, long commands summarised, secrets redacted.
	expect(t, r, "+OK\r\n", "SLOWLOG", "RESET")
	long := strings.Repeat("x", 200)
	r.Do("ECHO", long)
	expectMatch(t, r, regexp.QuoteMeta(bulk(strings.Repeat("x", 128)+"... (72 more bytes)")), "SLOWLOG", "GET", "1")
	args := []string{"DEL"}
	for i := 0; i < 40; i++ {
		args = append(args, "k"+strconv.Itoa(i))
	}
	r.Do(args...)
	got := expectMatch(t, r, `\*32\r\n\$3\r\nDEL\r\n\$2\r\nk0\r\n`, "SLOWLOG", "GET", "1")
	if !strings.Contains(got, bulk("k29")+bulk("... (10 more arguments)")) {
		t.Errorf("32nd argument of a 41-argument command: %q", got)
	}
	r.Do("CONFIG", "SET", "requirepass", "")
	expectMatch(t, r, regexp.QuoteMeta("*4\r\n"+bulk("CONFIG")+bulk("SET")+bulk("requirepass")+bulk("(redacted)")), "SLOWLOG", "GET", "1")
	r.Do("AUTH", "user", "pass")
	expectMatch(t, r, regexp.QuoteMeta("*3\r\n"+bulk("AUTH")+bulk("(redacted)")+bulk("(redacted)")), "SLOWLOG", "GET", "1")

	// Lowering the maximum length trims at the next command.
	expect(t, r, "+OK\r\n", "CONFIG", "SET", "slowlog-max-len", "2")
	expect(t, r, ":2\r\n", "SLOWLOG", "LEN")
	// Disabled: nothing is logged.
	expect(t, r, "+OK\r\n", "CONFIG", "SET", "slowlog-log-slower-than", "-1")
	expect(t, r, "+OK\r\n", "SLOWLOG", "RESET")
	r.Do("SET", "a", "b")
	expect(t, r, ":0\r\n", "SLOWLOG", "LEN")
	expectMatch(t, r, `^\*12\r\n\+SLOWLOG <subcommand>`, "SLOWLOG", "HELP")
}

func TestCommandlog(t *testing.T) {
	srv, _ := startConfigured(t, "commandlog-request-larger-than 100\ncommandlog-reply-larger-than 50\n")
	r := servertest.Dial(t, srv)
	big := strings.Repeat("v", 100)
	r.Do("SET", "k", big)
	req := len(servertest.Encode("SET", "k", big))
	expectMatch(t, r, "^\\*1\r\n\\*6\r\n:0\r\n:[0-9]+\r\n:"+strconv.Itoa(req)+"\r\n\\*3\r\n", "COMMANDLOG", "GET", "5", "large-request")
	r.Do("GET", "k")
	expectMatch(t, r, "^\\*1\r\n\\*6\r\n:[0-9]+\r\n:[0-9]+\r\n:"+strconv.Itoa(len(bulk(big)))+"\r\n\\*2\r\n\\$3\r\nGET\r\n", "COMMANDLOG", "GET", "1", "large-reply")
	expect(t, r, ":1\r\n", "COMMANDLOG", "LEN", "large-request")
	expect(t, r, "+OK\r\n", "COMMANDLOG", "RESET", "large-request")
	expect(t, r, ":0\r\n", "COMMANDLOG", "LEN", "large-request")
	expect(t, r, "*0\r\n", "COMMANDLOG", "GET", "0", "large-reply")
	expect(t, r, "-ERR type should be one of the following: slow, large-request, large-reply\r\n", "COMMANDLOG", "GET", "1", "foo")
	expect(t, r, "-ERR count should be greater than or equal to -1\r\n", "COMMANDLOG", "GET", "x", "foo")
	expect(t, r, "-ERR type should be one of the following: slow, large-request, large-reply\r\n", "COMMANDLOG", "LEN", "foo")
	expect(t, r, "-ERR type should be one of the following: slow, large-request, large-reply\r\n", "COMMANDLOG", "RESET", "foo")
	expect(t, r, arity("commandlog|len"), "COMMANDLOG", "LEN")
	expect(t, r, arity("commandlog|get"), "COMMANDLOG", "GET", "1")
	// SLOWLOG is the slow command log.
	expect(t, r, "+OK\r\n", "CONFIG", "SET", "commandlog-execution-slower-than", "0")
	r.Do("PING")
	slow, _ := strconv.Atoi(strings.TrimSpace(r.Do("COMMANDLOG", "LEN", "slow")[1:]))
	expect(t, r, ":"+strconv.Itoa(slow+1)+"\r\n", "SLOWLOG", "LEN") // COMMANDLOG LEN was logged too
	expectMatch(t, r, `^\*16\r\n\+COMMANDLOG <subcommand>`, "COMMANDLOG", "HELP")
}

// ---------------------------------------------------------------------------
// LATENCY

func TestLatencyMonitor(t *testing.T) {
	srv, _ := startConfigured(t, "")
	r := servertest.Dial(t, srv)
	expect(t, r, "*0\r\n", "LATENCY", "LATEST")
	disabled := "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Valkey instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it.\n"
	expect(t, r, bulk(disabled), "LATENCY", "DOCTOR")
	expect(t, r, "-ERR No samples available for event 'command'\r\n", "LATENCY", "GRAPH", "command")
	expect(t, r, "*0\r\n", "LATENCY", "HISTORY", "command")
	expect(t, r, ":0\r\n", "LATENCY", "RESET")

	expect(t, r, "+OK\r\n", "CONFIG", "SET", "latency-monitor-threshold", "1")
	expect(t, r, "+OK\r\n", "DEBUG", "SLEEP", "0.02")
	latest := expectMatch(t, r, "^\\*1\r\n\\*6\r\n\\$7\r\ncommand\r\n:[0-9]+\r\n:[2-9][0-9]\r\n:[2-9][0-9]\r\n:[2-9][0-9]\r\n:1\r\n$", "LATENCY", "LATEST")
	_ = latest
	expectMatch(t, r, "^\\*1\r\n\\*2\r\n:[0-9]+\r\n:[2-9][0-9]\r\n$", "LATENCY", "HISTORY", "command")
	graph := expectMatch(t, r, "^\\$[0-9]+\r\ncommand - high [2-9][0-9] ms, low [2-9][0-9] ms \\(all time high [2-9][0-9] ms\\)\n-{80}\n \n \n \n_\n \n[0-9]\ns\n\r\n$", "LATENCY", "GRAPH", "command")
	_ = graph
	expectMatch(t, r, "Latency spikes are observed in this Valkey instance.\n\n1. command: 1 latency spikes \\(average [2-9][0-9]ms, mean deviation 0ms, period [12].00 sec\\). Worst all time event [2-9][0-9]ms.\n\nHere is some advice for you:\n\n- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than 1000'.\n",
		"LATENCY", "DOCTOR")
	expect(t, r, ":0\r\n", "LATENCY", "RESET", "nosuch")
	expect(t, r, ":1\r\n", "LATENCY", "RESET", "COMMAND", "command")
	expect(t, r, "*0\r\n", "LATENCY", "LATEST")

	expect(t, r, "-ERR unknown subcommand 'foo'. Try LATENCY HELP.\r\n", "LATENCY", "foo")
	expect(t, r, arity("latency|history"), "LATENCY", "HISTORY")
	expect(t, r, arity("latency|latest"), "LATENCY", "LATEST", "x")
	expectMatch(t, r, `^\*17\r\n\+LATENCY <subcommand>`, "LATENCY", "HELP")
	r.Do("HELLO", "3")
	expectMatch(t, r, "^=[0-9]+\r\ntxt:", "LATENCY", "DOCTOR")
}

func TestLatencyHistogram(t *testing.T) {
	srv, _ := startConfigured(t, "")
	r := servertest.Dial(t, srv)
	r.Do("CONFIG", "RESETSTAT")
	r.Do("SET", "a", "1")
	r.Do("SET", "a", "2")
	expect(t, r, "*0\r\n", "LATENCY", "HISTOGRAM", "nosuch")
	expectMatch(t, r, "^\\*2\r\n\\$3\r\nset\r\n\\*4\r\n\\$5\r\ncalls\r\n:2\r\n\\$14\r\nhistogram_usec\r\n\\*(2|4)\r\n(:(1|2|4|8|16|33|66|132|264|528|1056|2113|4227|8454|16908|33816|67633|135266|270532|541065|1073741)\r\n:[12]\r\n)+$",
		"LATENCY", "HISTOGRAM", "set", "nosuch")
	// A container lists its subcommands with data.
	expectMatch(t, r, "^\\*2\r\n\\$16\r\nconfig\\|resetstat\r\n", "LATENCY", "HISTOGRAM", "config")
	r.Do("HELLO", "3")
	expectMatch(t, r, "^%1\r\n\\$3\r\nset\r\n%2\r\n\\$5\r\ncalls\r\n:2\r\n\\$14\r\nhistogram_usec\r\n%", "LATENCY", "HISTOGRAM", "SET")
	// Every command with data when none is named.
	all := r.Do("LATENCY", "HISTOGRAM")
	for _, name := range []string{"set", "hello", "config|resetstat", "latency|histogram"} {
		if !strings.Contains(all, bulk(name)) {
			t.Errorf("LATENCY HISTOGRAM lacks %s: %q", name, all)
		}
	}
	r.Do("CONFIG", "RESETSTAT")
	expect(t, r, "%0\r\n", "LATENCY", "HISTOGRAM", "set")
	r.Do("CONFIG", "SET", "latency-tracking", "no")
	r.Do("SET", "a", "3")
	expect(t, r, "%0\r\n", "LATENCY", "HISTOGRAM", "set")
}

// ---------------------------------------------------------------------------
// MEMORY

func TestMemory(t *testing.T) {
	srv, _ := startConfigured(t, "")
	r := servertest.Dial(t, srv)
	r.Do("SET", "foo", "bar")
	usage := expectMatch(t, r, `^:[0-9]+\r\n$`, "MEMORY", "USAGE", "foo")
	if n, _ := strconv.Atoi(strings.TrimSpace(usage[1:])); n < len("foo")+len("bar") || n > 256 {
		t.Errorf("MEMORY USAGE foo = %d", n)
	}
	expect(t, r, usage, "MEMORY", "USAGE", "foo", "SAMPLES", "0")
	expect(t, r, "$-1\r\n", "MEMORY", "USAGE", "nokey")
	expect(t, r, "-ERR syntax error\r\n", "MEMORY", "USAGE", "foo", "SAMPLES")
	expect(t, r, "-ERR syntax error\r\n", "MEMORY", "USAGE", "foo", "SAMPLES", "-1")
	expect(t, r, "-ERR value is not an integer or out of range\r\n", "MEMORY", "USAGE", "foo", "SAMPLES", "x")
	expect(t, r, "-ERR syntax error\r\n", "MEMORY", "USAGE", "foo", "bar")
	expect(t, r, arity("memory|usage"), "MEMORY", "USAGE")
	expect(t, r, "+OK\r\n", "MEMORY", "PURGE")
	expectMatch(t, r, `^\$[0-9]+\r\n`, "MEMORY", "MALLOC-STATS")
	expectMatch(t, r, `^\$[0-9]+\r\n(Hi Sam|Sam, I detected)`, "MEMORY", "DOCTOR")
	expect(t, r, "-ERR unknown subcommand 'foo'. Try MEMORY HELP.\r\n", "MEMORY", "foo")
	expectMatch(t, r, `^\*14\r\n\+MEMORY <subcommand>`, "MEMORY", "HELP")

	c := servertest.Client(t, srv, 3)
	st, err := c.Do(ctx(), "MEMORY", "STATS").Result()
	if err != nil {
		t.Fatal(err)
	}
	m, ok := st.(map[interface{}]interface{})
	if !ok {
		t.Fatalf("MEMORY STATS is a %T", st)
	}
	if len(m) != 34 {
		t.Errorf("MEMORY STATS has %d fields, want 34 (33 + db.0)", len(m))
	}
	if m["keys.count"] != int64(1) {
		t.Errorf("keys.count = %v", m["keys.count"])
	}
	for _, k := range []string{"peak.allocated", "total.allocated", "dataset.bytes", "fragmentation", "db.0", "allocator.resident"} {
		if _, ok := m[k]; !ok {
			t.Errorf("MEMORY STATS lacks %s", k)
		}
	}
	if _, ok := m["dataset.percentage"].(float64); !ok {
		t.Errorf("dataset.percentage is a %T", m["dataset.percentage"])
	}
}

// ---------------------------------------------------------------------------
// DEBUG

func TestDebugGate(t *testing.T) {
	disabled := "-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n"
	srv := servertest.Start(t, nil, commands.Register) // enable-debug-command no
	r := servertest.Dial(t, srv)
	expect(t, r, disabled, "DEBUG", "HELP")
	expect(t, r, disabled, "DEBUG", "SLEEP", "0")
	local := servertest.Start(t, func(st *server.Settings) { st.EnableDebugCommand = "local" }, commands.Register)
	expect(t, servertest.Dial(t, local), "+OK\r\n", "DEBUG", "SLEEP", "0")
}

func TestDebug(t *testing.T) {
	srv, _ := startConfigured(t, "")
	r := servertest.Dial(t, srv)
	expectMatch(t, r, `^\*128\r\n\+DEBUG <subcommand> \[<arg> \[value\] \[opt\] \.\.\.\]\. Subcommands are:\r\n\+AOF-FLUSH-SLEEP <microsec>\r\n`, "DEBUG", "HELP")
	syntax := func(sub string) string {
		return "-ERR unknown subcommand or wrong number of arguments for '" + sub + "'. Try DEBUG HELP.\r\n"
	}
	expect(t, r, syntax("foo"), "DEBUG", "foo")
	expect(t, r, syntax("sleep"), "DEBUG", "sleep")
	expect(t, r, syntax("object"), "DEBUG", "object")
	expect(t, r, arity("debug"), "DEBUG")

	// Digests: zero when empty, Valkey's value for foo=bar.
	zero := "+" + strings.Repeat("0", 40) + "\r\n"
	expect(t, r, zero, "DEBUG", "DIGEST")
	r.Do("SET", "foo", "bar")
	expect(t, r, "*2\r\n+68467c70ae30376e7ce005bcc8827f5ba7fd67dc\r\n"+zero, "DEBUG", "DIGEST-VALUE", "foo", "nokey")
	expect(t, r, "*0\r\n", "DEBUG", "DIGEST-VALUE")
	d1 := expectMatch(t, r, `^\+[0-9a-f]{40}\r\n$`, "DEBUG", "DIGEST")
	if d1 == zero {
		t.Fatal("DEBUG DIGEST of a non-empty dataset is zero")
	}
	expect(t, r, "+OK\r\n", "DEBUG", "RELOAD")
	expect(t, r, d1, "DEBUG", "DIGEST")
	expect(t, r, "-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.\r\n", "DEBUG", "RELOAD", "foo")
	r.Do("SET", "foo", "baz")
	if got := r.Do("DEBUG", "DIGEST"); got == d1 {
		t.Error("DEBUG DIGEST did not change with the value")
	}

	// OBJECT.
	r.Do("SET", "n", "123")
	expectMatch(t, r, `^\+Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:4 lru:[0-9]+ lru_seconds_idle:[0-9]+ lfu_freq:[0-9]+ lfu_access_time_minutes:[0-9]+\r\n$`, "DEBUG", "OBJECT", "foo")
	expectMatch(t, r, `^\+Value at:0x[0-9a-f]+ refcount:1 encoding:int serializedlength:2 lru:`, "DEBUG", "OBJECT", "n")
	expectMatch(t, r, `^\+Value at:0x[0-9a-f]+ refcount:1 encoding:embstr lru:`, "DEBUG", "OBJECT", "foo", "fast")
	expect(t, r, "-ERR no such key\r\n", "DEBUG", "OBJECT", "nokey")

	// PROTOCOL, RESP2 then RESP3.
	for _, c := range []struct{ typ, resp2, resp3 string }{
		{"string", "$11\r\nHello World\r\n", "$11\r\nHello World\r\n"},
		{"integer", ":12345\r\n", ":12345\r\n"},
		{"double", "$5\r\n3.141\r\n", ",3.141\r\n"},
		{"bignum", "$37\r\n1234567999999999999999999999999999999\r\n", "(1234567999999999999999999999999999999\r\n"},
		{"null", "$-1\r\n", "_\r\n"},
		{"array", "*3\r\n:0\r\n:1\r\n:2\r\n", "*3\r\n:0\r\n:1\r\n:2\r\n"},
		{"set", "*3\r\n:0\r\n:1\r\n:2\r\n", "~3\r\n:0\r\n:1\r\n:2\r\n"},
		{"map", "*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n", "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n"},
		{"attrib", "$39\r\nSome real reply following the attribute\r\n", "|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$39\r\nSome real reply following the attribute\r\n"},
		{"true", ":1\r\n", "#t\r\n"},
		{"false", ":0\r\n", "#f\r\n"},
		{"verbatim", "$25\r\nThis is a verbatim\nstring\r\n", "=29\r\ntxt:This is a verbatim\nstring\r\n"},
		{"push", "-ERR RESP2 is not supported by this command\r\n", ""},
		{"foo", "-ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false\r\n", ""},
	} {
		expect(t, r, c.resp2, "DEBUG", "PROTOCOL", c.typ)
	}
	r3 := servertest.Dial(t, srv)
	r3.Do("HELLO", "3")
	expect(t, r3, ",3.141\r\n", "DEBUG", "PROTOCOL", "double")
	expect(t, r3, "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n", "DEBUG", "PROTOCOL", "map")
	expect(t, r3, "$40\r\nSome real reply following the push reply\r\n", "DEBUG", "PROTOCOL", "push")
	if got, _ := servertest.ReadRaw(r3.R); got != ">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n" {
		t.Errorf("push after the reply: %q", got)
	}

	// POPULATE.
	expect(t, r, "+OK\r\n", "DEBUG", "POPULATE", "3")
	expect(t, r, "+OK\r\n", "DEBUG", "POPULATE", "2", "pfx", "3")
	expect(t, r, "+OK\r\n", "DEBUG", "POPULATE", "1", "pad", "10")
	expect(t, r, bulk("value:1"), "GET", "key:1")
	expect(t, r, bulk("val"), "GET", "pfx:0")
	expect(t, r, bulk("value:0\x00\x00\x00"), "GET", "pad:0")
	for _, args := range [][]string{{"-1"}, {"x"}, {"2", "pfx", "-3"}} {
		expect(t, r, "-ERR value is out of range, must be positive\r\n", append([]string{"DEBUG", "POPULATE"}, args...)...)
	}

	// The knobs.
	expect(t, r, "+OK\r\n", "DEBUG", "SLEEP", "0")
	expect(t, r, "+OK\r\n", "DEBUG", "SLEEP", "abc")
	start := time.Now()
	expect(t, r, "+OK\r\n", "DEBUG", "SLEEP", "0.05")
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("DEBUG SLEEP 0.05 took %v", d)
	}
	expect(t, r, "+OK\r\n", "DEBUG", "SET-ACTIVE-EXPIRE", "0")
	expect(t, r, "+OK\r\n", "DEBUG", "SET-ACTIVE-EXPIRE", "1")
	expect(t, r, "+OK\r\n", "DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1k")
	if srv.QuicklistPackedThreshold() != 1000 {
		t.Errorf("packed threshold = %d", srv.QuicklistPackedThreshold())
	}
	expect(t, r, "+OK\r\n", "DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0")
	for _, v := range []string{"x", "5gb", "-1"} {
		expect(t, r, "-ERR argument must be a memory value bigger than 1 and smaller than 4gb\r\n", "DEBUG", "QUICKLIST-PACKED-THRESHOLD", v)
	}
	expect(t, r, "-ERR Not a listpack encoded object.\r\n", "DEBUG", "LISTPACK", "foo")
	expect(t, r, "-ERR Not a quicklist encoded object.\r\n", "DEBUG", "QUICKLIST", "foo")
	expect(t, r, "-ERR no such key\r\n", "DEBUG", "LISTPACK", "nokey")
	expect(t, r, "-hello world\r\n", "DEBUG", "ERROR", "hello\nworld")
	expect(t, r, "+OK\r\n", "DEBUG", "LOG", "hello")
	expect(t, r, "+OK\r\n", "DEBUG", "CHANGE-REPL-ID")
	expect(t, r, "+OK\r\n", "DEBUG", "SET-DISABLE-DENY-SCRIPTS", "1")
	if !srv.ScriptDenyDisabled() {
		t.Error("SET-DISABLE-DENY-SCRIPTS 1 not recorded")
	}
	expect(t, r, "+OK\r\n", "DEBUG", "SET-DISABLE-DENY-SCRIPTS", "0")
	expect(t, r, "+OK\r\n", "DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "NEVER")
	expect(t, r, "+OK\r\n", "DEBUG", "REPLYBUFFER", "RESIZING", "1")
	expect(t, r, "-ERR value is not an integer or out of range\r\n", "DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "x")
	expect(t, r, syntax("replybuffer"), "DEBUG", "replybuffer", "foo", "1")
	expect(t, r, "+OK\r\n", "DEBUG", "DICT-RESIZING", "1")
	expect(t, r, "+Apparently the server did not crash: test passed\r\n", "DEBUG", "STRINGMATCH-TEST")
}

func TestDebugSleepBlocksKeys(t *testing.T) {
	srv, _ := startConfigured(t, "")
	r := servertest.Dial(t, srv)
	r2 := servertest.Dial(t, srv)
	r.Send("DEBUG", "SLEEP", "0.2")
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	expect(t, r2, "$-1\r\n", "GET", "k")
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("GET during DEBUG SLEEP answered after %v", d)
	}
	if got := r.ReadReply(); got != "+OK\r\n" {
		t.Errorf("DEBUG SLEEP: %q", got)
	}
}

// ---------------------------------------------------------------------------
// SHUTDOWN and LOLWUT

func TestShutdownEndsServe(t *testing.T) {
	cfg := config.New()
	if err := cfg.LoadString("bind 127.0.0.1\nport 0\n"); err != nil {
		t.Fatal(err)
	}
	srv := server.NewFromConfig(cfg, commands.Register)
	srv.SetLogger(log.New(io.Discard, "", 0))
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve() }()
	defer srv.Close()
	r := servertest.Dial(t, srv)
	expect(t, r, "-ERR syntax error\r\n", "SHUTDOWN", "foo")
	expect(t, r, "-ERR syntax error\r\n", "SHUTDOWN", "ABORT", "NOSAVE")
	expect(t, r, "-ERR syntax error\r\n", "SHUTDOWN", "SAVE", "NOSAVE")
	expect(t, r, "-ERR No shutdown in progress.\r\n", "SHUTDOWN", "ABORT")
	expect(t, r, "-ERR SHUTDOWN FAILOVER is only supported in cluster mode.\r\n", "SHUTDOWN", "FAILOVER")
	// SAVE without persistence cannot be honoured, unless forced.
	expect(t, r, "-ERR Errors trying to SHUTDOWN. Check logs.\r\n", "SHUTDOWN", "SAVE")
	expect(t, r, "+PONG\r\n", "PING")
	r.Send("SHUTDOWN", "NOSAVE")
	if got, err := servertest.ReadRaw(r.R); err == nil {
		t.Errorf("SHUTDOWN replied %q", got)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after SHUTDOWN")
	}
}

func TestShutdownSaveHook(t *testing.T) {
	srv, _ := startConfigured(t, "")
	saved := 0
	srv.SetSaveHook(func() error { saved++; return nil })
	r := servertest.Dial(t, srv)
	r.Send("SHUTDOWN")
	_, _ = servertest.ReadRaw(r.R)
	select {
	case <-srv.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("no shutdown")
	}
	if saved != 1 {
		t.Errorf("saved %d times, want 1 (default save points)", saved)
	}
}

func TestLolwut(t *testing.T) {
	srv, _ := startConfigured(t, "")
	r := servertest.Dial(t, srv)
	expect(t, r, bulk("  .  \n @@@ \n  .  \nAscii representation of Julia set with constant 0.10 + 0.20i\nDon't forget to have fun! Valkey ver. 9.0.4\n"),
		"LOLWUT", "VERSION", "9", "5", "3", "0.1", "0.2")
	expectMatch(t, r, "Don't forget to have fun! Valkey ver. 9.0.4\n\r\n$", "LOLWUT")
	expect(t, r, bulk("Valkey ver.9.0.4\n"), "LOLWUT", "VERSION", "1")
	expect(t, r, bulk("Valkey ver.9.0.4\n"), "LOLWUT", "VERSION", "-1")
	expectMatch(t, r, "\nGeorg Nees - schotter, plotter on paper, 1968. Valkey ver. 9.0.4\n\r\n$", "LOLWUT", "VERSION", "5", "20", "3", "3")
	expectMatch(t, r, "\nDedicated to the 8 bit game developers of past and present.\nValkey ver. 9.0.4\n\r\n$", "LOLWUT", "VERSION", "6", "20", "5")
	expect(t, r, "-ERR Syntax error. Use: LOLWUT [columns rows] [real imaginary]\r\n", "LOLWUT", "10")
	expect(t, r, "-ERR Syntax error. Use: LOLWUT [columns rows] [real imaginary]\r\n", "LOLWUT", "VERSION")
	expect(t, r, "-ERR value is not an integer or out of range\r\n", "LOLWUT", "VERSION", "x")
	expect(t, r, "-ERR value is not a valid float\r\n", "LOLWUT", "VERSION", "9", "1", "1", "x", "1")
	expect(t, r, "-ERR value is not an integer or out of range\r\n", "LOLWUT", "VERSION", "5", "x")
	r.Do("HELLO", "3")
	expectMatch(t, r, "^=[0-9]+\r\ntxt:", "LOLWUT")
}

// The go-redis client sees the same admin commands.
func TestAdminThroughGoRedis(t *testing.T) {
	srv, _ := startConfigured(t, "slowlog-log-slower-than 0\n")
	for _, proto := range []int{2, 3} {
		c := servertest.Client(t, srv, proto)
		if err := c.SlowLogReset(ctx()).Err(); err != nil {
			t.Fatal(err)
		}
		c.Set(ctx(), "k", "v", 0)
		logs, err := c.SlowLogGet(ctx(), -1).Result()
		if err != nil || len(logs) < 2 || logs[0].Args[0] != "set" && logs[0].Args[0] != "SET" {
			t.Fatalf("RESP%d SLOWLOG GET: %v %v", proto, logs, err)
		}
		cfg, err := c.ConfigGet(ctx(), "maxclients").Result()
		if err != nil || cfg["maxclients"] != "10000" {
			t.Fatalf("RESP%d CONFIG GET: %v %v", proto, cfg, err)
		}
		if err := c.ConfigSet(ctx(), "hz", "11").Err(); err != nil {
			t.Fatal(err)
		}
		if n, err := c.MemoryUsage(ctx(), "k").Result(); err != nil || n <= 0 {
			t.Fatalf("RESP%d MEMORY USAGE: %d %v", proto, n, err)
		}
		if _, err := c.MemoryUsage(ctx(), "nokey").Result(); err != redis.Nil {
			t.Fatalf("RESP%d MEMORY USAGE nokey: %v", proto, err)
		}
		if s, err := c.DebugObject(ctx(), "k").Result(); err != nil || !strings.HasPrefix(s, "Value at:") {
			t.Fatalf("RESP%d DEBUG OBJECT: %q %v", proto, s, err)
		}
	}
}
