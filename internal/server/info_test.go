package server_test

import (
	"context"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"petrel/internal/server"
	"petrel/internal/servertest"
)

// infoSections are Valkey 9.0.4's INFO EVERYTHING sections and fixed fields,
// in order, as a fresh valkey-server prints them (per-command, per-error
// and per-database lines excluded).
var infoSections = []struct {
	title  string
	fields string
}{
	{"Server", `redis_version server_name valkey_version valkey_release_stage redis_git_sha1
		redis_git_dirty redis_build_id server_mode os arch_bits monotonic_clock
		multiplexing_api gcc_version process_id process_supervised run_id tcp_port
		server_time_usec uptime_in_seconds uptime_in_days hz configured_hz clients_hz
		lru_clock executable config_file io_threads_active availability_zone listener0`},
	{"Clients", `connected_clients cluster_connections maxclients client_recent_max_input_buffer
		client_recent_max_output_buffer blocked_clients tracking_clients pubsub_clients
		watching_clients clients_in_timeout_table total_watched_keys
		total_blocking_keys total_blocking_keys_on_nokey paused_reason paused_actions
		paused_timeout_milliseconds`},
	{"Memory", `used_memory used_memory_human used_memory_rss used_memory_rss_human
		used_memory_peak used_memory_peak_human used_memory_peak_perc
		used_memory_overhead used_memory_startup used_memory_dataset
		used_memory_dataset_perc allocator_allocated allocator_active
		allocator_resident allocator_muzzy total_system_memory
		total_system_memory_human used_memory_lua used_memory_vm_eval
		used_memory_lua_human used_memory_scripts_eval number_of_cached_scripts
		number_of_functions number_of_libraries used_memory_vm_functions
		used_memory_vm_total used_memory_vm_total_human used_memory_functions
		used_memory_scripts used_memory_scripts_human maxmemory maxmemory_human
		maxmemory_policy allocator_frag_ratio allocator_frag_bytes allocator_rss_ratio
		allocator_rss_bytes rss_overhead_ratio rss_overhead_bytes
		mem_fragmentation_ratio mem_fragmentation_bytes mem_not_counted_for_evict
		mem_replication_backlog mem_total_replication_buffers mem_clients_slaves
		mem_clients_normal mem_cluster_links mem_cluster_slot_import
		mem_cluster_slot_export mem_aof_buffer mem_allocator
		mem_overhead_db_hashtable_rehashing active_defrag_running
		lazyfree_pending_objects lazyfreed_objects`},
	{"Persistence", `loading async_loading current_cow_peak current_cow_size current_cow_size_age
		current_fork_perc current_save_keys_processed current_save_keys_total
		rdb_changes_since_last_save rdb_bgsave_in_progress rdb_last_save_time
		rdb_last_bgsave_status rdb_last_bgsave_time_sec rdb_current_bgsave_time_sec
		rdb_saves rdb_last_cow_size rdb_last_load_keys_expired
		rdb_last_load_keys_loaded aof_enabled aof_rewrite_in_progress
		aof_rewrite_scheduled aof_last_rewrite_time_sec aof_current_rewrite_time_sec
		aof_last_bgrewrite_status aof_rewrites aof_rewrites_consecutive_failures
		aof_last_write_status aof_last_cow_size module_fork_in_progress
		module_fork_last_cow_size slot_migration_fork_in_progress`},
	{"Stats", `total_connections_received total_commands_processed instantaneous_ops_per_sec
		total_net_input_bytes total_net_output_bytes total_net_repl_input_bytes
		total_net_repl_output_bytes total_net_cluster_slot_import_bytes
		total_net_cluster_slot_export_bytes instantaneous_input_kbps
		instantaneous_output_kbps instantaneous_input_repl_kbps
		instantaneous_output_repl_kbps rejected_connections sync_full sync_partial_ok
		sync_partial_err expired_keys expired_fields expired_stale_perc
		expired_keys_with_volatile_items_stale_perc expired_time_cap_reached_count
		expire_cycle_cpu_milliseconds evicted_keys evicted_clients evicted_scripts
		total_eviction_exceeded_time current_eviction_exceeded_time keyspace_hits
		keyspace_misses pubsub_channels pubsub_patterns pubsubshard_channels
		latest_fork_usec total_forks migrate_cached_sockets slave_expires_tracked_keys
		active_defrag_hits active_defrag_misses active_defrag_key_hits
		active_defrag_key_misses total_active_defrag_time current_active_defrag_time
		tracking_total_keys tracking_total_items tracking_total_prefixes
		unexpected_error_replies total_error_replies dump_payload_sanitizations
		total_reads_processed total_writes_processed io_threaded_reads_processed
		io_threaded_writes_processed io_threaded_freed_objects
		io_threaded_accept_processed io_threaded_poll_processed
		io_threaded_total_prefetch_batches io_threaded_total_prefetch_entries
		client_query_buffer_limit_disconnections
		client_output_buffer_limit_disconnections reply_buffer_shrinks
		reply_buffer_expands eventloop_cycles eventloop_duration_sum
		eventloop_duration_cmd_sum instantaneous_eventloop_cycles_per_sec
		instantaneous_eventloop_duration_usec acl_access_denied_auth
		acl_access_denied_cmd acl_access_denied_key acl_access_denied_channel
		acl_access_denied_tls_cert`},
	{"Replication", `role connected_slaves replicas_waiting_psync master_failover_state
		master_replid master_replid2 master_repl_offset second_repl_offset
		repl_backlog_active repl_backlog_size repl_backlog_first_byte_offset
		repl_backlog_histlen`},
	{"CPU", `used_cpu_sys used_cpu_user used_cpu_sys_children used_cpu_user_children
		used_cpu_sys_main_thread used_cpu_user_main_thread`},
	{"Modules", ``},
	{"Commandstats", ``},
	{"Errorstats", ``},
	{"Latencystats", ``},
	{"Cluster", `cluster_enabled`},
	{"Keyspace", ``},
}

// parsedInfo is an INFO reply: section titles in order, and each
// section's "field:value" lines in order.
type parsedInfo struct {
	titles []string
	keys   map[string][]string // section title -> field names
	values map[string]string   // field name -> value
}

func parseInfo(t *testing.T, text string) parsedInfo {
	t.Helper()
	p := parsedInfo{keys: map[string][]string{}, values: map[string]string{}}
	if text == "" {
		return p
	}
	if !strings.HasSuffix(text, "\r\n") {
		t.Fatalf("INFO text does not end with CRLF: %q", text)
	}
	cur := ""
	for i, line := range strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n") {
		switch {
		case strings.HasPrefix(line, "# "):
			if i > 0 && !strings.HasSuffix(text[:strings.Index(text, line)], "\r\n\r\n") {
				t.Fatalf("section %q not preceded by a blank line", line)
			}
			cur = line[2:]
			p.titles = append(p.titles, cur)
			p.keys[cur] = []string{}
		case line == "":
		default:
			k, v, ok := strings.Cut(line, ":")
			if !ok || cur == "" {
				t.Fatalf("bad INFO line %q", line)
			}
			p.keys[cur] = append(p.keys[cur], k)
			p.values[k] = v
		}
	}
	return p
}

func infoOf(t *testing.T, r *servertest.Raw, args ...string) parsedInfo {
	t.Helper()
	return parseInfo(t, ciText(t, r.Do(append([]string{"INFO"}, args...)...)))
}

func infoInt(t *testing.T, p parsedInfo, field string) int64 {
	t.Helper()
	v, ok := p.values[field]
	if !ok {
		t.Fatalf("INFO has no %s", field)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		t.Fatalf("%s:%q is not an integer", field, v)
	}
	return n
}

var dynamicField = regexp.MustCompile(`^(cmdstat_|latency_percentiles_usec_|errorstat_|db[0-9]+$)`)

func TestInfoFieldsAsValkey(t *testing.T) {
	e := newCIEnv(t, nil)
	r := e.dial()
	r.Do("SET", "k", "v")
	p := infoOf(t, r, "everything")
	var titles []string
	for _, s := range infoSections {
		titles = append(titles, s.title)
	}
	if strings.Join(p.titles, ",") != strings.Join(titles, ",") {
		t.Fatalf("sections %v, want %v", p.titles, titles)
	}
	for _, s := range infoSections {
		var got []string
		for _, k := range p.keys[s.title] {
			if !dynamicField.MatchString(k) && k != "petrel_version" {
				got = append(got, k)
			}
		}
		if g, w := strings.Join(got, " "), strings.Join(strings.Fields(s.fields), " "); g != w {
			t.Errorf("section %s fields\n got %s\nwant %s", s.title, g, w)
		}
	}
	// Petrel's own line, and the versions it reports.
	for k, v := range map[string]string{
		"petrel_version": server.Version, "redis_version": "7.2.4", "valkey_version": "9.0.4",
		"server_name": "valkey", "server_mode": "standalone", "role": "master", "cluster_enabled": "0",
		"aof_enabled": "0", "rdb_last_bgsave_status": "ok", "second_repl_offset": "-1",
		"paused_reason": "none", "maxmemory_policy": "noeviction", "tcp_port": strconv.Itoa(e.srv.Addr().(*net.TCPAddr).Port),
		"listener0": "name=tcp,bind=127.0.0.1,port=" + strconv.Itoa(e.srv.Addr().(*net.TCPAddr).Port),
	} {
		if p.values[k] != v {
			t.Errorf("%s:%q, want %q", k, p.values[k], v)
		}
	}
	for _, k := range []string{"used_memory", "used_memory_rss", "used_memory_peak", "uptime_in_seconds", "process_id"} {
		if infoInt(t, p, k) < 0 {
			t.Errorf("%s negative", k)
		}
	}
	if infoInt(t, p, "used_memory") == 0 || infoInt(t, p, "used_memory_rss") == 0 {
		t.Errorf("used_memory %s rss %s", p.values["used_memory"], p.values["used_memory_rss"])
	}
	for _, k := range []string{"used_cpu_sys", "used_cpu_user", "used_cpu_user_children"} {
		if !regexp.MustCompile(`^[0-9]+\.[0-9]{6}$`).MatchString(p.values[k]) {
			t.Errorf("%s:%q", k, p.values[k])
		}
	}
	for _, k := range []string{"used_memory_peak_perc", "used_memory_dataset_perc"} {
		if !regexp.MustCompile(`^[0-9]+\.[0-9]{2}%$`).MatchString(p.values[k]) {
			t.Errorf("%s:%q", k, p.values[k])
		}
	}
	if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(p.values["master_replid"]) {
		t.Errorf("master_replid:%q", p.values["master_replid"])
	}
}

func TestInfoSectionSelection(t *testing.T) {
	e := newCIEnv(t, nil)
	r := e.dial()
	def := "Server,Clients,Memory,Persistence,Stats,Replication,CPU,Modules,Errorstats,Cluster,Keyspace"
	all := "Server,Clients,Memory,Persistence,Stats,Replication,CPU,Modules,Commandstats,Errorstats,Latencystats,Cluster,Keyspace"
	cases := []struct {
		args []string
		want string
	}{
		{nil, def},
		{[]string{"default"}, def},
		{[]string{"DEFAULT"}, def},
		{[]string{"all"}, all},
		{[]string{"everything"}, all},
		{[]string{"all", "debug"}, all + ",Debug"},
		{[]string{"debug"}, "Debug"},
		{[]string{"nonsense"}, ""},
		{[]string{"cluster"}, "Cluster"},
		{[]string{"CLUSTER", "cluster"}, "Cluster"},
		{[]string{"keyspace", "server"}, "Server,Keyspace"},
		{[]string{"module_list"}, "Modules"},
		{[]string{"modules"}, "Modules"},
		{[]string{"commandstats", "default"}, "Server,Clients,Memory,Persistence,Stats,Replication,CPU,Modules,Commandstats,Errorstats,Cluster,Keyspace"},
		{[]string{"cpu", "nonsense", "latencystats"}, "CPU,Latencystats"},
	}
	for _, c := range cases {
		p := infoOf(t, r, c.args...)
		if got := strings.Join(p.titles, ","); got != c.want {
			t.Errorf("INFO %v: sections %q, want %q", c.args, got, c.want)
		}
	}
	// Exact bytes of small sections, in both protocols.
	ciIs(t, r, "$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n", "INFO", "cluster")
	ciIs(t, r, "$0\r\n\r\n", "INFO", "nonsense")
	ciIs(t, r, "$11\r\n# Modules\r\n\r\n", "INFO", "modules")
	r.Do("HELLO", "3")
	ciIs(t, r, "=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n", "INFO", "cluster")
	ciIs(t, r, "=4\r\ntxt:\r\n", "INFO", "nonsense")
	debug := "# Debug\r\neventloop_duration_aof_sum:0\r\neventloop_duration_cron_sum:0\r\neventloop_duration_max:0\r\neventloop_cmd_per_cycle_max:0\r\n"
	ciIs(t, r, "="+strconv.Itoa(len(debug)+4)+"\r\ntxt:"+debug+"\r\n", "INFO", "debug")
}

func TestInfoValuesChange(t *testing.T) {
	e := newCIEnv(t, nil)
	r := e.dial()
	p := infoOf(t, r)
	if n := infoInt(t, p, "connected_clients"); n != 1 {
		t.Fatalf("connected_clients %d", n)
	}
	base := infoInt(t, p, "total_commands_processed")
	conns := infoInt(t, p, "total_connections_received")
	in := infoInt(t, p, "total_net_input_bytes")
	if _, ok := p.values["db0"]; ok {
		t.Fatalf("db0 line in an empty keyspace: %q", p.values["db0"])
	}

	r2, r3 := e.dial(), e.dial()
	ciIs(t, r2, "+OK\r\n", "SET", "a", "1")
	ciIs(t, r2, "+OK\r\n", "SET", "b", "2", "EX", "100")
	ciIs(t, r3, "$1\r\n1\r\n", "GET", "a")
	ciIs(t, r3, "$-1\r\n", "GET", "nope")
	ciIs(t, r3, "+OK\r\n", "SELECT", "4")
	ciIs(t, r3, "+OK\r\n", "SET", "c", "3")
	p = infoOf(t, r)
	// Six commands ran since the first INFO, which counts too; this INFO
	// is not counted yet, as in Valkey.
	if got := infoInt(t, p, "total_commands_processed"); got != base+7 {
		t.Errorf("total_commands_processed %d, want %d", got, base+7)
	}
	if got := infoInt(t, p, "connected_clients"); got != 3 {
		t.Errorf("connected_clients %d", got)
	}
	if got := infoInt(t, p, "total_connections_received"); got != conns+2 {
		t.Errorf("total_connections_received %d, want %d", got, conns+2)
	}
	if got := infoInt(t, p, "total_net_input_bytes"); got <= in {
		t.Errorf("total_net_input_bytes %d, was %d", got, in)
	}
	if got := infoInt(t, p, "keyspace_hits"); got != 1 {
		t.Errorf("keyspace_hits %d", got)
	}
	if got := infoInt(t, p, "keyspace_misses"); got != 1 {
		t.Errorf("keyspace_misses %d", got)
	}
	if got := infoInt(t, p, "rdb_changes_since_last_save"); got != 3 {
		t.Errorf("rdb_changes_since_last_save %d", got)
	}
	if p.values["db0"] != "keys=2,expires=1,avg_ttl=0,keys_with_volatile_items=0" ||
		p.values["db4"] != "keys=1,expires=0,avg_ttl=0,keys_with_volatile_items=0" {
		t.Errorf("keyspace db0=%q db4=%q", p.values["db0"], p.values["db4"])
	}
	_ = r2.Conn.Close()
	deadline := time.Now().Add(5 * time.Second)
	for infoInt(t, infoOf(t, r, "clients"), "connected_clients") != 2 {
		if time.Now().After(deadline) {
			t.Fatal("connected_clients did not drop after a close")
		}
		time.Sleep(10 * time.Millisecond)
	}

	// instantaneous_ops_per_sec follows the load (sampled every 100 ms).
	ctx := context.Background()
	c := servertest.Client(t, e.srv, 3)
	deadline = time.Now().Add(5 * time.Second)
	for {
		for i := 0; i < 50; i++ {
			c.Get(ctx, "a")
		}
		if infoInt(t, infoOf(t, r, "stats"), "instantaneous_ops_per_sec") > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("instantaneous_ops_per_sec stays 0 under load")
		}
	}
}

func TestInfoRejectedConnections(t *testing.T) {
	e := newCIEnv(t, func(st *server.Settings) { st.Maxclients = 1 })
	r := e.dial()
	ciIs(t, r, "+PONG\r\n", "PING") // registered before the next one comes
	nc, err := net.Dial("tcp", e.srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 128)
	_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, _ := nc.Read(buf)
	_ = nc.Close()
	if string(buf[:n]) != "-ERR max number of clients reached\r\n" {
		t.Fatalf("second client got %q", buf[:n])
	}
	// The server counts the rejection after writing it: wait for it.
	deadline := time.Now().Add(5 * time.Second)
	for infoInt(t, infoOf(t, r, "stats"), "rejected_connections") != 1 {
		if time.Now().After(deadline) {
			t.Fatal("rejected_connections stays 0")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestInfoCommandstats(t *testing.T) {
	e := newCIEnv(t, nil)
	r := e.dial()
	r.Do("GET", "a")
	r.Do("GET", "a")
	r.Do("GET") // rejected: arity
	r.Do("SET", "k", "v")
	r.Do("INCR", "k") // failed: not an integer
	r.Do("CLIENT", "ID")
	p := infoOf(t, r, "commandstats")
	re := regexp.MustCompile(`^calls=([0-9]+),usec=([0-9]+),usec_per_call=([0-9]+\.[0-9]{2}),rejected_calls=([0-9]+),failed_calls=([0-9]+)$`)
	want := map[string][3]string{ // calls, rejected, failed
		"cmdstat_get":       {"2", "1", "0"},
		"cmdstat_set":       {"1", "0", "0"},
		"cmdstat_incr":      {"1", "0", "1"},
		"cmdstat_client|id": {"1", "0", "0"},
	}
	for k, w := range want {
		m := re.FindStringSubmatch(p.values[k])
		if m == nil {
			t.Errorf("%s:%q", k, p.values[k])
			continue
		}
		if m[1] != w[0] || m[4] != w[1] || m[5] != w[2] {
			t.Errorf("%s:%q, want calls=%s rejected=%s failed=%s", k, p.values[k], w[0], w[1], w[2])
		}
	}
	if _, ok := p.values["cmdstat_info"]; ok {
		t.Errorf("cmdstat_info counts the INFO being run: %q", p.values["cmdstat_info"])
	}
	if _, ok := p.values["cmdstat_ping"]; ok {
		t.Errorf("cmdstat_ping without a call")
	}
	lat := infoOf(t, r, "latencystats", "commandstats")
	if m := re.FindStringSubmatch(lat.values["cmdstat_info"]); m == nil || m[1] != "1" {
		t.Errorf("cmdstat_info:%q after one INFO", lat.values["cmdstat_info"])
	}
	v := lat.values["latency_percentiles_usec_get"]
	if !regexp.MustCompile(`^p50=[0-9]+\.[0-9]{3},p99=[0-9]+\.[0-9]{3},p99\.9=[0-9]+\.[0-9]{3}$`).MatchString(v) {
		t.Errorf("latency_percentiles_usec_get:%q", v)
	}

	// CONFIG RESETSTAT clears them.
	ciIs(t, r, "+OK\r\n", "CONFIG", "RESETSTAT")
	p = infoOf(t, r, "commandstats", "stats", "errorstats")
	if _, ok := p.values["cmdstat_get"]; ok {
		t.Errorf("cmdstat_get after RESETSTAT: %q", p.values["cmdstat_get"])
	}
	if got := infoInt(t, p, "total_error_replies"); got != 0 {
		t.Errorf("total_error_replies %d after RESETSTAT", got)
	}
	if len(p.keys["Errorstats"]) != 0 {
		t.Errorf("errorstats after RESETSTAT: %v", p.keys["Errorstats"])
	}
}

func TestInfoErrorstats(t *testing.T) {
	e := newCIEnv(t, nil)
	r := e.dial()
	r.Do("NOSUCH")
	r.Do("GET")
	r.Do("SET", "k", "v")
	r.Do("INCR", "k")
	r.Do("HELLO", "4")
	p := infoOf(t, r, "errorstats", "stats")
	if infoInt(t, p, "total_error_replies") != 4 {
		t.Fatalf("total_error_replies %s", p.values["total_error_replies"])
	}
	if len(p.keys["Errorstats"]) == 0 {
		t.Skip("dispatch does not call countError yet")
	}
	if got := strings.Join(p.keys["Errorstats"], ","); got != "errorstat_ERR,errorstat_NOPROTO" {
		t.Fatalf("errorstats %v", got)
	}
	if p.values["errorstat_ERR"] != "count=3" || p.values["errorstat_NOPROTO"] != "count=1" {
		t.Fatalf("errorstats %v", p.values)
	}
}

func TestInfoPausedClients(t *testing.T) {
	e := newCIEnv(t, nil)
	admin, writer := e.dial(), e.dial()
	ciIs(t, admin, "+OK\r\n", "CLIENT", "PAUSE", "20000", "WRITE")
	p := infoOf(t, admin, "clients")
	if p.values["paused_reason"] != "client_pause" || p.values["paused_actions"] != "write" {
		t.Fatalf("paused: %v", p.values)
	}
	if ms := infoInt(t, p, "paused_timeout_milliseconds"); ms <= 0 || ms > 20000 {
		t.Fatalf("paused_timeout_milliseconds %d", ms)
	}
	writer.Send("SET", "k", "v")
	time.Sleep(100 * time.Millisecond)
	blocked := infoInt(t, infoOf(t, admin, "clients"), "blocked_clients")
	ciIs(t, admin, "+OK\r\n", "CLIENT", "UNPAUSE")
	if got := readWithin(t, writer, 5*time.Second); got != "+OK\r\n" {
		t.Fatalf("SET after UNPAUSE: %q", got)
	}
	if blocked != 1 {
		t.Skipf("blocked_clients %d during the pause: dispatch does not use waitPauseClient yet", blocked)
	}
	if got := infoInt(t, infoOf(t, admin, "clients"), "blocked_clients"); got != 0 {
		t.Fatalf("blocked_clients %d after UNPAUSE", got)
	}
}
