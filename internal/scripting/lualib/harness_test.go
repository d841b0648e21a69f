package lualib

// The compatibility harness: every case is a Lua snippet run both here (in
// gopher-lua with this package's libraries) and, when recording, on a real
// Valkey through EVAL. A prelude written in plain Lua turns the snippet's
// results (or its error) into one deterministic string, so the two runs
// are compared byte for byte without trusting either side's reply
// conversion or number formatting.
//
// Expectations live in testdata/<lib>.golden and are only ever written by
// recording against Valkey:
//
//	LUALIB_RECORD=1 VALKEY_SERVER=/path/to/valkey-server \
//	    go test ./internal/scripting/lualib -run TestValkeyCompat -count=1

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

// luaCase is one snippet: the body of a function whose results (or error)
// are recorded. Keep it on one line so error positions are "line 1 of the
// body" on both sides.
type luaCase struct {
	name string
	body string
}

// casePrelude is plain Lua 5.1 shared by both sides. It only defines
// locals (Valkey forbids new globals) and puts cjson's settings back to
// their defaults, since in Valkey they persist from one EVAL to the next.
const casePrelude = `local hexd = "0123456789abcdef"
local function digits(x) if x == 0 then return "0" end local s = "" while x > 0 do local d = x % 10 s = string.char(48 + d) .. s x = (x - d) / 10 end return s end
local function num(n) if n ~= n then return "nan" end if n == 1/0 then return "inf" end if n == -1/0 then return "-inf" end if n == 0 then if 1/n < 0 then return "-0" end return "0" end local sign = "" if n < 0 then sign = "-" n = -n end if n == math.floor(n) and n < 2^53 then return sign .. digits(n) end local m, e = math.frexp(n) m = m * 2^53 e = e - 53 while m % 2 == 0 do m = m / 2 e = e + 1 end if e < 0 then return sign .. digits(m) .. "p-" .. digits(-e) end return sign .. digits(m) .. "p" .. digits(e) end
local function hash(s) local h = 0 for i = 1, #s do h = (h * 31 + string.byte(s, i)) % 4294967296 end return h end
local function esc(s, q) local out = {} for i = 1, #s do local b = string.byte(s, i) if b >= 32 and b < 127 and b ~= q and b ~= 92 then out[#out + 1] = string.char(b) else local hi = math.floor(b / 16) out[#out + 1] = "\\x" .. string.sub(hexd, hi + 1, hi + 1) .. string.sub(hexd, b % 16 + 1, b % 16 + 1) end end return table.concat(out) end
local function str(s) if #s > 200 then return "<string len " .. digits(#s) .. " hash " .. digits(hash(s)) .. ">" end return "'" .. esc(s, 39) .. "'" end
local function less(a, b) local n = #a if #b < n then n = #b end for i = 1, n do local x, y = string.byte(a, i), string.byte(b, i) if x ~= y then return x < y end end return #a < #b end
local dump
local function tbl(t, depth) if depth > 20 then return "{...}" end local items = {} for k, v in pairs(t) do items[#items + 1] = dump(k, depth + 1) .. "=" .. dump(v, depth + 1) end table.sort(items, less) local s = "{" .. table.concat(items, ",") .. "}" if #s > 400 then return "<table entries " .. digits(#items) .. " hash " .. digits(hash(s)) .. ">" end return s end
dump = function(v, depth) local ty = type(v) if ty == "nil" then return "nil" elseif ty == "boolean" then return tostring(v) elseif ty == "number" then return num(v) elseif ty == "string" then return str(v) elseif ty == "table" then return tbl(v, depth or 0) elseif v == cjson.null then return "null" end return ty end
local function packn(...) return {n = select("#", ...), ...} end
local function run(f) local r = packn(pcall(f)) if not r[1] then if type(r[2]) == "string" then return "error: " .. esc(r[2]) end return "error value: " .. dump(r[2]) end local out = {} for i = 2, r.n do out[#out + 1] = dump(r[i]) end return "ok: " .. table.concat(out, " | ") end
local function hex(s) local out = {} for i = 1, #s do local b = string.byte(s, i) local hi = math.floor(b / 16) out[#out + 1] = string.sub(hexd, hi + 1, hi + 1) .. string.sub(hexd, b % 16 + 1, b % 16 + 1) end return table.concat(out) end
local function unhex(h) local out = {} for i = 1, #h, 2 do out[#out + 1] = string.char(tonumber(string.sub(h, i, i + 1), 16)) end return table.concat(out) end
cjson.encode_sparse_array(false, 2, 10) cjson.encode_max_depth(1000) cjson.decode_max_depth(1000) cjson.encode_number_precision(14) cjson.encode_keep_buffer(true) cjson.encode_invalid_numbers(false) cjson.decode_invalid_numbers(true)
`

// caseScript is the full script of a case.
func caseScript(c luaCase) string {
	return casePrelude + "return run(function() " + c.body + " end)\n"
}

// newTestState is a Lua state set up as doc.go asks (a registry that can
// grow past Lua 5.1's C stack limit).
func newTestState() *lua.LState {
	L := lua.NewState(lua.Options{RegistrySize: 1024, RegistryMaxSize: 1 << 17})
	Open(L)
	return L
}

// runLocal runs a case in gopher-lua.
func runLocal(c luaCase) (string, error) {
	L := newTestState()
	defer L.Close()
	fn, err := L.Load(strings.NewReader(caseScript(c)), "user_script")
	if err != nil {
		return "", err
	}
	L.Push(fn)
	if err := L.PCall(0, 1, nil); err != nil {
		return "", err
	}
	return L.Get(-1).String(), nil
}

// caseSets are the case tables, by library (one golden file each).
var caseSets = map[string][]luaCase{}

func registerCases(lib string, cases []luaCase) bool {
	caseSets[lib] = append(caseSets[lib], cases...)
	return true
}

func goldenPath(lib string) string { return filepath.Join("testdata", lib+".golden") }

func loadGolden(t *testing.T, lib string) map[string]string {
	data, err := os.ReadFile(goldenPath(lib))
	if err != nil {
		t.Fatalf("no expectations for %s (record them from Valkey: see harness_test.go): %v", lib, err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", goldenPath(lib), err)
	}
	return m
}

func TestValkeyCompat(t *testing.T) {
	if os.Getenv("LUALIB_RECORD") != "" {
		recordGoldens(t)
	}
	checkGoldens(t)
}

func checkGoldens(t *testing.T) {
	libs := make([]string, 0, len(caseSets))
	for lib := range caseSets {
		libs = append(libs, lib)
	}
	sort.Strings(libs)
	for _, lib := range libs {
		t.Run(lib, func(t *testing.T) {
			golden := loadGolden(t, lib)
			seen := map[string]bool{}
			for _, c := range caseSets[lib] {
				if seen[c.name] {
					t.Fatalf("duplicate case name %q", c.name)
				}
				seen[c.name] = true
				t.Run(c.name, func(t *testing.T) {
					want, ok := golden[c.name]
					if !ok {
						t.Fatalf("no recorded expectation (record from Valkey: see harness_test.go)")
					}
					got, err := runLocal(c)
					if err != nil {
						t.Fatalf("script failed: %v", err)
					}
					if got != want {
						t.Errorf("body: %s\n got: %s\nwant: %s", c.body, got, want)
					}
				})
			}
		})
	}
}

// recordGoldens runs every case on a fresh Valkey and rewrites the golden
// files.
func recordGoldens(t *testing.T) {
	bin := os.Getenv("VALKEY_SERVER")
	if bin == "" {
		t.Fatal("LUALIB_RECORD needs VALKEY_SERVER=/path/to/valkey-server")
	}
	conn := startValkey(t, bin)
	r := bufio.NewReader(conn)
	for lib, cases := range caseSets {
		out := map[string]string{}
		for _, c := range cases {
			reply, err := evalOn(conn, r, caseScript(c))
			if err != nil {
				t.Fatalf("%s/%s: %v", lib, c.name, err)
			}
			if !utf8.ValidString(reply) {
				t.Fatalf("%s/%s: reply is not text (the prelude escapes bytes): %q", lib, c.name, reply)
			}
			out[c.name] = reply
		}
		data, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenPath(lib), append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("recorded %d cases in %s", len(out), goldenPath(lib))
	}
}

// startValkey starts valkey-server on a free loopback port and connects.
func startValkey(t *testing.T, bin string) net.Conn {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--enable-debug-command", "yes",
		"--dir", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			t.Cleanup(func() { conn.Close() })
			return conn
		}
		if time.Now().After(deadline) {
			t.Fatalf("valkey-server did not start: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// evalOn sends EVAL script 0 and returns the bulk string reply.
func evalOn(w io.Writer, r *bufio.Reader, script string) (string, error) {
	args := []string{"EVAL", script, "0"}
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return "", err
	}
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimSuffix(line, "\r\n")
	switch line[0] {
	case '$':
		n, err := strconv.Atoi(line[1:])
		if err != nil || n < 0 {
			return "", fmt.Errorf("unexpected reply %q", line)
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", err
		}
		return string(buf[:n]), nil
	default:
		return "", fmt.Errorf("unexpected reply %q", line)
	}
}
