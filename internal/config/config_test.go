package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// newTestConfig returns a Config whose dir changes are recorded instead
// of changing the test process's working directory.
func newTestConfig(t *testing.T) *Config {
	t.Helper()
	c := New()
	cwd := t.TempDir()
	c.chdir = func(dir string) error {
		if !strings.HasPrefix(dir, "/") {
			dir = cwd + "/" + dir
		}
		cwd = dir
		return nil
	}
	c.getwd = func() (string, error) { return cwd, nil }
	c.mu.vals[lookupIndex("dir")] = cwd
	return c
}

// Every expected text here was checked against valkey-server 9.0.4.
func TestSetErrors(t *testing.T) {
	cases := []struct {
		pairs [][2]string
		want  string // "" for success
	}{
		{[][2]string{{"foo", "bar"}}, "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"},
		{[][2]string{{"daemonize", "yes"}}, "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config"},
		{[][2]string{{"protected-mode", "maybe"}}, "ERR CONFIG SET failed (possibly related to argument 'protected-mode') - argument must be 'yes' or 'no'"},
		{[][2]string{{"hz", "abc"}}, "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"},
		{[][2]string{{"HZ", "abc"}}, "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"},
		{[][2]string{{"SLAVE-PRIORITY", "abc"}}, "ERR CONFIG SET failed (possibly related to argument 'slave-priority') - argument couldn't be parsed into an integer"},
		{[][2]string{{"port", "70000"}}, "ERR CONFIG SET failed (possibly related to argument 'port') - argument must be between 0 and 65535 inclusive"},
		{[][2]string{{"maxmemory-policy", "x"}}, "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction"},
		{[][2]string{{"maxmemory", "1"}, {"maxmemory", "2"}}, "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter"},
		{[][2]string{{"maxmemory", "1"}, {"MAXMEMORY", "2"}}, "ERR CONFIG SET failed (possibly related to argument 'MAXMEMORY') - duplicate parameter"},
		{[][2]string{{"hash-max-listpack-entries", "1"}, {"hash-max-ziplist-entries", "2"}}, ""},
		{[][2]string{{"maxmemory", "1"}, {"foo", "2"}}, "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"},
		{[][2]string{{"daemonize", "yes"}, {"foo", "1"}}, "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config"},
		{[][2]string{{"foo", "1"}, {"daemonize", "yes"}}, "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"},
		{[][2]string{{"maxmemory", "-1"}}, "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"},
		{[][2]string{{"maxmemory", ""}}, ""},
		{[][2]string{{"maxmemory", "mb"}}, ""},
		{[][2]string{{"maxclients", "-1"}}, "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive"},
		{[][2]string{{"hash-max-listpack-entries", "-1"}}, "ERR CONFIG SET failed (possibly related to argument 'hash-max-listpack-entries') - argument must be between 0 and 9223372036854775807 inclusive"},
		{[][2]string{{"maxmemory-clients", "101%"}}, "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - percentage argument must be less or equal to 100"},
		{[][2]string{{"maxmemory-clients", "abc"}}, "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - argument must be a memory or percent value"},
		{[][2]string{{"unixsocketperm", "777"}}, "ERR CONFIG SET failed (possibly related to argument 'unixsocketperm') - can't set immutable config"},
		{[][2]string{{"dir", "/tmp"}}, "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config"},
		{[][2]string{{"dbfilename", "x"}}, "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config"},
		{[][2]string{{"replicaof", "a b"}}, "ERR CONFIG SET failed (possibly related to argument 'replicaof') - can't set immutable config"},
		{[][2]string{{"save", "100 10 abc"}}, "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"},
		{[][2]string{{"save", "100  10"}}, "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"},
		{[][2]string{{"bind", "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17"}}, "ERR CONFIG SET failed (possibly related to argument 'bind') - Too many bind addresses specified."},
		{[][2]string{{"client-output-buffer-limit", "normal 1 2"}}, "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Wrong number of arguments in buffer limit configuration."},
		{[][2]string{{"client-output-buffer-limit", "master 1 2 3"}}, "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Invalid client class specified in buffer limit configuration."},
		{[][2]string{{"client-output-buffer-limit", "normal 1x 2 3"}}, "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Error in hard, soft or soft_seconds setting in buffer limit configuration."},
		{[][2]string{{"oom-score-adj-values", "1 2"}}, "ERR CONFIG SET failed (possibly related to argument 'oom-score-adj-values') - wrong number of arguments"},
		{[][2]string{{"oom-score-adj-values", "1 2 3000"}}, "ERR CONFIG SET failed (possibly related to argument 'oom-score-adj-values') - Invalid oom-score-adj-values, elements must be between -2000 and 2000."},
		{[][2]string{{"notify-keyspace-events", "Q"}}, "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'."},
		{[][2]string{{"latency-tracking-info-percentiles", "50 abc"}}, "ERR CONFIG SET failed (possibly related to argument 'latency-tracking-info-percentiles') - Invalid latency-tracking-info-percentiles parameters"},
		{[][2]string{{"latency-tracking-info-percentiles", "50 101"}}, "ERR CONFIG SET failed (possibly related to argument 'latency-tracking-info-percentiles') - latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"},
		{[][2]string{{"latency-tracking-info-percentiles", "inf"}}, "ERR CONFIG SET failed (possibly related to argument 'latency-tracking-info-percentiles') - latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"},
		{[][2]string{{"latency-tracking-info-percentiles", "1e-400"}}, "ERR CONFIG SET failed (possibly related to argument 'latency-tracking-info-percentiles') - Invalid latency-tracking-info-percentiles parameters"},
		{[][2]string{{"shutdown-on-sigint", "save nosave"}}, "ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigint') - shutdown options SAVE and NOSAVE can't be used simultaneously"},
		{[][2]string{{"shutdown-on-sigint", "foo"}}, "ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigint') - argument(s) must be one of the following: default, save, nosave, now, force, safe, failover"},
		{[][2]string{{"proc-title-template", "{title}"}}, "ERR CONFIG SET failed (possibly related to argument 'proc-title-template') - template format is invalid or contains unknown variables"},
		{[][2]string{{"proc-title-template", "{foo}"}}, "ERR CONFIG SET failed (possibly related to argument 'proc-title-template') - template format is invalid or contains unknown variables"},
		{[][2]string{{"cluster-announce-hostname", "a_b"}}, "ERR CONFIG SET failed (possibly related to argument 'cluster-announce-hostname') - Hostnames may only contain alphanumeric characters, hyphens or dots"},
		{[][2]string{{"cluster-announce-client-ipv4", "x"}}, "ERR CONFIG SET failed (possibly related to argument 'cluster-announce-client-ipv4') - Invalid IPv4 address"},
		{[][2]string{{"cluster-announce-human-nodename", "a!"}}, "ERR CONFIG SET failed (possibly related to argument 'cluster-announce-human-nodename') - Announced human node name contained invalid character"},
		{[][2]string{{"rdma-port", "1"}}, "ERR CONFIG SET failed (possibly related to argument 'rdma-port') - No RDMA building support."},
		{[][2]string{{"rdma-bind", "1.2.3.4"}}, "ERR CONFIG SET failed (possibly related to argument 'rdma-bind') - No RDMA building support."},
		{[][2]string{{"rdma-bind", ""}}, "ERR CONFIG SET failed (possibly related to argument 'rdma-bind') - No RDMA building support."},
		{[][2]string{{"hz", "20"}, {"maxmemory", "bad"}}, "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"},
		{[][2]string{{"hz", "7"}, {"rdma-port", "1"}}, "ERR CONFIG SET failed (possibly related to argument 'rdma-port') - No RDMA building support."},
	}
	for _, tc := range cases {
		c := newTestConfig(t)
		err := c.SetMany(tc.pairs)
		got := ""
		if err != nil {
			got = err.Error()
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("%v: error %T is not *Error", tc.pairs, err)
			}
		}
		if got != tc.want {
			t.Errorf("SetMany(%v)\n got %q\nwant %q", tc.pairs, got, tc.want)
		}
		if tc.want != "" {
			if hz, _ := c.Get("hz"); hz != "10" {
				t.Errorf("SetMany(%v) failed but left hz=%s", tc.pairs, hz)
			}
			if mm, _ := c.Get("maxmemory"); mm != "0" {
				t.Errorf("SetMany(%v) failed but left maxmemory=%s", tc.pairs, mm)
			}
		}
	}
}

// Values as valkey-server 9.0.4 prints them after CONFIG SET.
func TestSetThenGet(t *testing.T) {
	cases := []struct{ name, value, want string }{
		{"maxmemory", "99999999999999999999999", "18446744073709551615"},
		{"maxmemory", "1gb", "1073741824"},
		{"maxmemory", "1g", "1000000000"},
		{"maxmemory", "2Kb", "2048"},
		{"maxmemory", "", "0"},
		{"maxmemory-clients", "10%", "10%"},
		{"maxmemory-clients", "1mb", "1048576"},
		{"hz", "1000", "500"},
		{"hz", "0", "1"},
		{"repl-backlog-size", "1", "16384"},
		{"save", "100 10", "100 10"},
		{"save", "", ""},
		{"client-output-buffer-limit", "normal 1mb 2 3 replica 4 5 6", "normal 1048576 2 3 slave 4 5 6 pubsub 33554432 8388608 60"},
		{"notify-keyspace-events", "KEA", "AKE"},
		{"notify-keyspace-events", "gx$lshzetdnKEm", "AKEm"},
		{"notify-keyspace-events", "Ex", "xE"},
		{"latency-tracking-info-percentiles", "1.5 99.99999 0", "1.5 99.99999 0"},
		{"latency-tracking-info-percentiles", "+5 .5 5. 0x10 1e1 -0", "5 0.5 5 16 10 -0"},
		{"latency-tracking-info-percentiles", "", ""},
		{"shutdown-on-sigint", "save now force", "save now force"},
		{"shutdown-on-sigint", "NOW save", "save now"},
		{"oom-score-adj", "relative", "yes"},
		{"acl-pubsub-default", "ALLCHANNELS", "allchannels"},
		{"loglevel", "WARNING", "warning"},
		{"tls-auth-clients-user", "cn", "CN"},
		{"slowlog-log-slower-than", "-1", "-1"},
		{"cluster-blacklist-ttl", "-1", "-1"},
		{"list-max-ziplist-size", "-5", "-5"},
		{"activedefrag", "YES", "yes"},
		{"bind", "127.0.0.1 ::1", "127.0.0.1 ::1"},
		{"bind", "", ""},
	}
	for _, tc := range cases {
		c := newTestConfig(t)
		if err := c.Set(tc.name, tc.value); err != nil {
			t.Errorf("Set(%s, %q): %v", tc.name, tc.value, err)
			continue
		}
		if got, _ := c.Get(tc.name); got != tc.want {
			t.Errorf("Set(%s, %q) then Get = %q, want %q", tc.name, tc.value, got, tc.want)
		}
	}
}

func TestSetRollsBackWhenAHookFails(t *testing.T) {
	c := newTestConfig(t)
	var log []string
	c.OnChange("hz", func(old, new string) error {
		log = append(log, "hz "+old+"->"+new)
		return nil
	})
	c.OnChange("maxmemory", func(old, new string) error {
		log = append(log, "maxmemory "+old+"->"+new)
		return nil
	})
	c.OnChange("port", func(old, new string) error {
		log = append(log, "port "+old+"->"+new)
		if new == "7000" {
			return errors.New("Unable to listen on this port. Check server logs.")
		}
		return nil
	})
	err := c.SetMany([][2]string{{"hz", "50"}, {"maxmemory", "1mb"}, {"timeout", "5"}, {"port", "7000"}, {"maxclients", "20"}})
	want := "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs."
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
	for name, v := range map[string]string{"hz": "10", "maxmemory": "0", "timeout": "0", "port": "6379", "maxclients": "10000"} {
		if got, _ := c.Get(name); got != v {
			t.Errorf("%s = %s after rollback, want %s", name, got, v)
		}
	}
	if c.Hot.Hz.Load() != 10 || c.Hot.Maxmemory.Load() != 0 || c.Hot.Port.Load() != 6379 || c.Hot.Maxclients.Load() != 10000 {
		t.Errorf("Hot not rolled back: hz=%d maxmemory=%d port=%d maxclients=%d",
			c.Hot.Hz.Load(), c.Hot.Maxmemory.Load(), c.Hot.Port.Load(), c.Hot.Maxclients.Load())
	}
	wantLog := []string{
		"hz 10->50", "maxmemory 0->1048576", "port 6379->7000", // applied in order
		"port 7000->6379", "maxmemory 1048576->0", "hz 50->10", // undone newest first
	}
	if !reflect.DeepEqual(log, wantLog) {
		t.Errorf("hooks ran as\n%q\nwant\n%q", log, wantLog)
	}
}

func TestHooksRunOnlyOnChange(t *testing.T) {
	c := newTestConfig(t)
	calls := map[string]int{}
	for _, n := range []string{"hz", "bind", "oom-score-adj-values"} {
		c.OnChange(n, func(string, string) error { calls[n]++; return nil })
	}
	c.Set("hz", "10")                          // unchanged
	c.Set("oom-score-adj-values", "0 200 800") // unchanged, and Valkey notices
	c.Set("bind", "* -::*")                    // unchanged, but Valkey rebinds anyway
	c.Set("HZ", "11")
	if want := map[string]int{"hz": 1, "bind": 1}; !reflect.DeepEqual(calls, want) {
		t.Errorf("hook calls %v, want %v", calls, want)
	}
}

func TestSetProtectedAndLoading(t *testing.T) {
	c := newTestConfig(t)
	if err := c.SetManyWith([][2]string{{"appendonly", "yes"}}, SetOptions{Loading: true}); err == nil ||
		err.Error() != "LOADING Valkey is loading the dataset in memory" {
		t.Errorf("loading: %v", err)
	}
	if err := c.LoadString("enable-protected-configs local\nextended-redis-compatibility yes\n"); err != nil {
		t.Fatal(err)
	}
	if err := c.SetManyWith([][2]string{{"appendonly", "yes"}}, SetOptions{Loading: true}); err == nil ||
		err.Error() != "LOADING Redis is loading the dataset in memory" {
		t.Errorf("loading in Redis compatibility mode: %v", err)
	}
	if err := c.SetManyWith([][2]string{{"dbfilename", "x.rdb"}}, SetOptions{}); err == nil {
		t.Error("remote client set a protected config")
	}
	if err := c.SetManyWith([][2]string{{"dbfilename", "x.rdb"}}, SetOptions{Local: true}); err != nil {
		t.Errorf("local client: %v", err)
	}
	// Checked against valkey-server with enable-protected-configs yes.
	for _, tc := range []struct{ name, value, want string }{
		{"dbfilename", "a/b", "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a filename"},
		{"dbfilename", "", "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be empty"},
		{"dbfilename", `x\y`, "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a filename"},
		{"dir", "/nonexistent", "ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory"},
		{"dir", "/etc/passwd", "ERR CONFIG SET failed (possibly related to argument 'dir') - Not a directory"},
		{"dir", "", "ERR CONFIG SET failed (possibly related to argument 'dir') - dir can't be empty"},
	} {
		err := c.SetManyWith([][2]string{{tc.name, tc.value}}, SetOptions{Local: true})
		if err == nil || err.Error() != tc.want {
			t.Errorf("Set %s %q: %v, want %q", tc.name, tc.value, err, tc.want)
		}
	}
	dir := t.TempDir()
	if err := c.SetManyWith([][2]string{{"dir", dir}}, SetOptions{Local: true}); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Get("dir"); got != dir {
		t.Errorf("dir = %q, want %q", got, dir)
	}
}

func TestGetPattern(t *testing.T) {
	c := newTestConfig(t)
	cases := []struct {
		patterns []string
		want     string
	}{
		{[]string{"*max-*-entries*"}, "hash-max-listpack-entries=512 hash-max-ziplist-entries=512 set-max-intset-entries=512 set-max-listpack-entries=128 zset-max-listpack-entries=128 zset-max-ziplist-entries=128"},
		{[]string{"MAXMEMORY"}, "MAXMEMORY=0"},
		{[]string{"maxmemory", "MAXMEMORY"}, "maxmemory=0"},
		{[]string{"MAXMEMORY", "maxmem*"}, "MAXMEMORY=0 maxmemory-clients=0 maxmemory-eviction-tenacity=10 maxmemory-policy=noeviction maxmemory-samples=5"},
		{[]string{"slaveof", "replicaof"}, "replicaof= slaveof="},
		{[]string{"debug-context"}, "debug-context="}, // hidden: exact name only
		{[]string{"debug*"}, ""},
		{[]string{"nosuch"}, ""},
		{[]string{"h?"}, "hz=10"},
		{[]string{"lua-*"}, "lua-time-limit=5000"},
	}
	for _, tc := range cases {
		var parts []string
		for _, p := range c.GetPattern(tc.patterns) {
			parts = append(parts, p.Name+"="+p.Value)
		}
		if got := strings.Join(parts, " "); got != tc.want {
			t.Errorf("GetPattern(%q)\n got %s\nwant %s", tc.patterns, got, tc.want)
		}
	}
}

func TestHotFollowsSet(t *testing.T) {
	c := newTestConfig(t)
	if c.Hot.Port.Load() != 6379 || c.Hot.Hz.Load() != 10 || c.Hot.Databases.Load() != 16 ||
		c.Hot.ProtoMaxBulkLen.Load() != 512<<20 || c.Hot.MaxmemoryPolicy.Load() != PolicyNoEviction ||
		c.Hot.Requirepass.Load() != nil || len(*c.Hot.SavePoints.Load()) != 3 {
		t.Fatal("Hot does not hold the defaults")
	}
	err := c.SetMany([][2]string{
		{"hz", "100"}, {"requirepass", "s3cret"}, {"maxmemory-policy", "allkeys-lfu"},
		{"slowlog-log-slower-than", "-1"}, {"notify-keyspace-events", "Kx"},
		{"client-output-buffer-limit", "pubsub 1mb 2mb 3"}, {"save", ""},
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Hot.Hz.Load() != 100 || *c.Hot.Requirepass.Load() != "s3cret" ||
		c.Hot.MaxmemoryPolicy.Load() != PolicyAllkeysLFU || c.Hot.SlowlogLogSlowerThan.Load() != -1 ||
		c.Hot.NotifyKeyspaceEvents.Load() != NotifyKeyspace|NotifyExpired ||
		c.Hot.OutputBufferLimits.Load()[ClientPubsub] != (OutputBufferLimit{1 << 20, 2 << 20, 3}) ||
		len(*c.Hot.SavePoints.Load()) != 0 {
		t.Error("Hot did not follow CONFIG SET")
	}
	c.Set("requirepass", "")
	if c.Hot.Requirepass.Load() != nil {
		t.Error("an empty requirepass should be nil in Hot")
	}
}

func TestEveryHotBindingNamesADirective(t *testing.T) {
	for name := range hotBindings {
		if d, ok := Lookup(name); !ok || d.Name != name {
			t.Errorf("hot binding %q is not a canonical directive name", name)
		}
	}
}

func TestConcurrentReadsDuringSet(t *testing.T) {
	c := newTestConfig(t)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 200; i++ {
			c.Set("hz", fmt.Sprint(10+i%50))
			c.Set("save", fmt.Sprintf("%d 1", i+1))
		}
	}()
	for {
		select {
		case <-done:
			return
		default:
			c.Get("hz")
			c.GetPattern([]string{"*"})
			_ = c.Hot.Hz.Load()
			_ = *c.Hot.SavePoints.Load()
		}
	}
}
