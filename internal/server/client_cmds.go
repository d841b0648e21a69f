package server

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"petrel/internal/errs"
	"petrel/internal/num"
)

// CLIENT: inspect and control connections, as Valkey 9's networking.c.
//
// CLIENT LIST and CLIENT INFO print one line per client with Valkey 9.0's
// fields in its order:
//
//	id addr laddr fd name age idle flags capa db sub psub ssub multi watch
//	qbuf qbuf-free argv-mem multi-mem rbs rbp obl oll omem tot-mem events
//	cmd user redir resp lib-name lib-ver tot-net-in tot-net-out tot-cmds
//
// Values come from the Client: its own goroutine's state when a client
// lists itself, the atomics and mu-guarded fields for every other client
// (see Client). Filters (LIST and KILL) follow parseClientFiltersOrReply:
// ID/NOT-ID take every following integer, the others one value each, and
// the first error wins before any client is touched.
//
// CACHING, TRACKING, GETREDIR and TRACKINGINFO live in tracking.go;
// UNBLOCK is registered by the blocking families (blocking.go).

func registerClientCmds(r *Registry) {
	r.Handle("client|id", cmdClientID)
	r.Handle("client|info", cmdClientInfo)
	r.Handle("client|list", cmdClientList)
	r.Handle("client|kill", cmdClientKill)
	r.Handle("client|setname", cmdClientSetName)
	r.Handle("client|getname", cmdClientGetName)
	r.Handle("client|setinfo", cmdClientSetInfo)
	r.Handle("client|no-evict", cmdClientNoEvict)
	r.Handle("client|no-touch", cmdClientNoTouch)
	r.Handle("client|reply", cmdClientReply)
	r.Handle("client|pause", cmdClientPause)
	r.Handle("client|unpause", cmdClientUnpause)
	r.Handle("client|capa", cmdClientCapa)
	r.Handle("client|import-source", cmdClientImportSource)
	r.Handle("client|tracking", cmdClientTracking) // tracking.go
	r.Handle("client|caching", cmdClientCaching)
	r.Handle("client|getredir", cmdClientGetredir)
	r.Handle("client|trackinginfo", cmdClientTrackinginfo)
	r.Handle("client|help", cmdClientHelp)
	registerInfo(r) // INFO (info.go) registers with CLIENT from registerAdmin
}

// Client types (getClientType), for TYPE filters.
const (
	clientTypeNormal = iota
	clientTypeReplica
	clientTypePubSub
	clientTypePrimary
)

func (c *Client) clientType() int {
	f := c.Flags()
	switch {
	case f&ClientPrimary != 0:
		return clientTypePrimary
	case f&ClientReplica != 0 && f&ClientMonitor == 0:
		return clientTypeReplica
	case f&ClientPubSub != 0:
		return clientTypePubSub
	}
	return clientTypeNormal
}

func clientTypeByName(name []byte) int {
	switch {
	case EqualFold(name, "normal"):
		return clientTypeNormal
	case EqualFold(name, "slave"), EqualFold(name, "replica"):
		return clientTypeReplica
	case EqualFold(name, "pubsub"):
		return clientTypePubSub
	case EqualFold(name, "master"), EqualFold(name, "primary"):
		return clientTypePrimary
	}
	return -1
}

// flagLetters maps each flag to its CLIENT LIST letter, in print order.
// ClientMonitor prints as O in place of S.
var flagLetters = [...]struct {
	f      ClientFlag
	letter byte
}{
	{ClientReplica, 'S'}, {ClientPrimary, 'M'}, {ClientPubSub, 'P'}, {ClientMulti, 'x'},
	{ClientBlocked, 'b'}, {ClientTracking, 't'}, {ClientTrackingBrokenRedir, 'R'},
	{ClientTrackingBcast, 'B'}, {ClientDirtyCAS, 'd'}, {ClientCloseAfterReply, 'c'},
	{ClientUnblocked, 'u'}, {ClientCloseASAP, 'A'}, {ClientUnixSocket, 'U'},
	{ClientReadonly, 'r'}, {ClientNoEvict, 'e'}, {ClientNoTouch, 'T'},
	{ClientImportSource, 'I'},
}

// letterFlag returns the flag of a letter; ok is false for letters
// Valkey does not know. 'O' is ClientMonitor, 'N' (no flags) and the slot
// migration letters 'i' and 'E' are valid but have no flag here.
func letterFlag(ch byte) (f ClientFlag, ok bool) {
	switch ch {
	case 'O':
		return ClientMonitor, true
	case 'N', 'i', 'E':
		return 0, true
	}
	for _, fl := range flagLetters {
		if fl.letter == ch {
			return fl.f, true
		}
	}
	return 0, false
}

// flags returns the client's flags including those only its own goroutine
// knows (c when it closes after this reply) and those families set as
// letters in mu.flags.
func (c *Client) listFlags(self bool) ClientFlag {
	f := c.Flags()
	if self && c.closeAfterReply {
		f |= ClientCloseAfterReply
	}
	c.mu.Lock()
	extra := c.mu.flags
	c.mu.Unlock()
	for i := 0; i < len(extra); i++ {
		if fl, ok := letterFlag(extra[i]); ok {
			f |= fl
		}
	}
	return f
}

func appendFlags(b []byte, f ClientFlag) []byte {
	n := len(b)
	for _, fl := range flagLetters {
		if f&fl.f == 0 {
			continue
		}
		if fl.f == ClientReplica && f&ClientMonitor != 0 {
			b = append(b, 'O')
		} else {
			b = append(b, fl.letter)
		}
	}
	if len(b) == n {
		b = append(b, 'N')
	}
	return b
}

// clientStructSize approximates the fixed memory of one client (tot-mem).
const clientStructSize = int64(unsafe.Sizeof(Client{}))

// appendClientInfo appends client cl's CLIENT LIST line (without the
// newline). cur is the command being run, whose client may be cl.
func appendClientInfo(b []byte, cl *Client, cur *Ctx) []byte {
	self := cur != nil && cur.Client == cl
	if self && cl.tx.exec != nil {
		cur = cl.tx.exec // inside EXEC: Valkey shows EXEC's command and argv (multi.go)
	}
	now := time.Now()
	if cur != nil {
		now = cur.Now
	}
	cl.mu.Lock()
	name, libName, libVer, user := cl.mu.name, cl.mu.libName, cl.mu.libVer, cl.mu.user
	cl.mu.Unlock()
	if user == "" {
		user = "default"
	}

	// Buffers: the client's own goroutine reads them directly, others see
	// what it last published.
	var qbuf, qbufFree, argvMem, rbs, rbp, obl int64
	cmd := "NULL"
	if p := cl.lastCmd.Load(); p != nil {
		cmd = *p
	}
	totCmds := cl.totCmds.Load()
	if self {
		qbuf = int64(cl.rd.Buffered())
		qbufFree = int64(cl.rd.Cap()) - qbuf
		for _, a := range cur.Args {
			argvMem += int64(len(a))
		}
		rbs = int64(cap(cl.w.Buf))
		rbp = max(cl.rbp.Load(), int64(len(cl.w.Buf)))
		obl = int64(len(cl.w.Buf))
		cmd = cur.Spec.Name
	} else {
		qbuf = cl.qbuf.Load()
		qbufFree = max(cl.qbufCap.Load()-qbuf, 0)
		rbs, rbp, obl = cl.rbs.Load(), cl.rbp.Load(), cl.obl.Load()
	}
	// Output pending past the reply buffer shows as a reply list (oll,
	// omem), as Valkey's 16 KiB buffer and reply blocks (outbuf.go).
	pending := obl + cl.out.pending.Load()
	obl = min(pending, replyBufferBytes)
	omem := outputMemory(pending)
	oll := (omem + replyBufferBytes - 1) / replyBufferBytes
	multiMem := cl.multiMem.Load()
	totMem := qbuf + qbufFree + argvMem + multiMem + rbs + omem + clientStructSize
	redir := int64(-1)
	if cl.srv != nil {
		redir = cl.srv.trackingRedirect(cl)
	}

	b = append(b, "id="...)
	b = strconv.AppendInt(b, cl.ID, 10)
	b = append(b, " addr="...)
	b = append(b, cl.addr...)
	b = append(b, " laddr="...)
	b = append(b, cl.laddr...)
	b = append(b, " fd="...)
	b = strconv.AppendInt(b, int64(cl.FD()), 10)
	b = append(b, " name="...)
	b = append(b, name...)
	b = append(b, " age="...)
	b = strconv.AppendInt(b, now.Unix()-cl.created.Unix(), 10)
	b = append(b, " idle="...)
	b = strconv.AppendInt(b, now.Unix()-cl.lastActive.Load()/1000, 10)
	b = append(b, " flags="...)
	b = appendFlags(b, cl.listFlags(self))
	b = append(b, " capa="...)
	if cl.capaRedirect.Load() {
		b = append(b, 'r')
	}
	b = append(b, " db="...)
	b = strconv.AppendInt(b, int64(cl.DB()), 10)
	b = append(b, " sub="...)
	b = strconv.AppendInt(b, int64(cl.sub.Load()), 10)
	b = append(b, " psub="...)
	b = strconv.AppendInt(b, int64(cl.psub.Load()), 10)
	b = append(b, " ssub="...)
	b = strconv.AppendInt(b, int64(cl.ssub.Load()), 10)
	b = append(b, " multi="...)
	b = strconv.AppendInt(b, int64(cl.multiPlus1.Load())-1, 10)
	b = append(b, " watch="...)
	b = strconv.AppendInt(b, int64(cl.watch.Load()), 10)
	b = append(b, " qbuf="...)
	b = strconv.AppendInt(b, qbuf, 10)
	b = append(b, " qbuf-free="...)
	b = strconv.AppendInt(b, qbufFree, 10)
	b = append(b, " argv-mem="...)
	b = strconv.AppendInt(b, argvMem, 10)
	b = append(b, " multi-mem="...)
	b = strconv.AppendInt(b, multiMem, 10)
	b = append(b, " rbs="...)
	b = strconv.AppendInt(b, rbs, 10)
	b = append(b, " rbp="...)
	b = strconv.AppendInt(b, rbp, 10)
	b = append(b, " obl="...)
	b = strconv.AppendInt(b, obl, 10)
	b = append(b, " oll="...)
	b = strconv.AppendInt(b, oll, 10)
	b = append(b, " omem="...)
	b = strconv.AppendInt(b, omem, 10)
	b = append(b, " tot-mem="...)
	b = strconv.AppendInt(b, totMem, 10)
	// Each connection always has a reader waiting; writes are synchronous.
	b = append(b, " events=r cmd="...)
	b = append(b, cmd...)
	b = append(b, " user="...)
	b = append(b, user...)
	b = append(b, " redir="...)
	b = strconv.AppendInt(b, redir, 10)
	b = append(b, " resp="...)
	b = strconv.AppendInt(b, int64(cl.Proto()), 10)
	b = append(b, " lib-name="...)
	b = append(b, libName...)
	b = append(b, " lib-ver="...)
	b = append(b, libVer...)
	b = append(b, " tot-net-in="...)
	b = strconv.AppendInt(b, cl.netIn.Load(), 10)
	b = append(b, " tot-net-out="...)
	b = strconv.AppendInt(b, cl.netOut.Load(), 10)
	b = append(b, " tot-cmds="...)
	b = strconv.AppendInt(b, totCmds, 10)
	return b
}

// ---- filters ----

// optString is a filter value that may be absent.
type optString struct {
	v   string
	set bool
}

// clientFilter is the set of conditions of CLIENT LIST/KILL; a client
// matches when it meets every positive condition and no negative one.
type clientFilter struct {
	ids, notIDs          map[int64]bool // nil: no condition; empty: matches nothing
	addr, notAddr        optString
	laddr, notLaddr      optString
	user, notUser        optString
	typ, notType         int // -1: none
	skipMe               bool
	maxAge, idle         int64 // 0: none
	flags, notFlags      optString
	name, notName        optString
	libName, notLibName  optString
	libVer, notLibVer    optString
	db, notDB            int // -1: none
	capa, notCapa        optString
	ip, notIP            optString
	self                 *Client
	nowUnix, maxDBNumber int64
}

func newClientFilter(c *Ctx, skipMe bool) clientFilter {
	return clientFilter{
		typ: -1, notType: -1, db: -1, notDB: -1, skipMe: skipMe,
		self: c.Client, nowUnix: c.Now.Unix(),
	}
}

// parseClientFilters reads the filters from argument i on, returning the
// first error as Valkey reports it.
func parseClientFilters(c *Ctx, i int, f *clientFilter) error {
	args := c.Args
	for i < len(args) {
		opt := args[i]
		more := i+1 < len(args)
		var val []byte
		if more {
			val = args[i+1]
		}
		switch {
		case EqualFold(opt, "id"), EqualFold(opt, "not-id"):
			set := &f.ids
			if EqualFold(opt, "not-id") {
				set = &f.notIDs
			}
			if *set == nil {
				*set = map[int64]bool{}
			}
			i++
			for i < len(args) {
				id, ok := num.ParseInt(args[i])
				if !ok {
					break
				}
				if id < 1 {
					return errs.ClientIDPositive
				}
				(*set)[id] = true
				i++
			}
			continue
		case !more:
			return errs.Syntax
		case EqualFold(opt, "maxage"), EqualFold(opt, "idle"):
			notInt, positive, dst := errs.MaxAgeNotInteger, errs.MaxAgePositive, &f.maxAge
			if EqualFold(opt, "idle") {
				notInt, positive, dst = errs.IdleNotInteger, errs.IdlePositive, &f.idle
			}
			n, ok := num.ParseInt(val)
			if !ok {
				return notInt
			}
			if n <= 0 {
				return positive
			}
			*dst = n
		case EqualFold(opt, "type"), EqualFold(opt, "not-type"):
			t := clientTypeByName(val)
			if t < 0 {
				return errs.UnknownClientType(string(val))
			}
			if EqualFold(opt, "type") {
				f.typ = t
			} else {
				f.notType = t
			}
		case EqualFold(opt, "addr"):
			f.addr = optString{string(val), true}
		case EqualFold(opt, "not-addr"):
			f.notAddr = optString{string(val), true}
		case EqualFold(opt, "laddr"):
			f.laddr = optString{string(val), true}
		case EqualFold(opt, "not-laddr"):
			f.notLaddr = optString{string(val), true}
		case EqualFold(opt, "user"), EqualFold(opt, "not-user"):
			if !c.Srv.userExists(string(val)) {
				return errs.NoSuchUser(string(val))
			}
			if EqualFold(opt, "user") {
				f.user = optString{string(val), true}
			} else {
				f.notUser = optString{string(val), true}
			}
		case EqualFold(opt, "skipme"):
			switch {
			case EqualFold(val, "yes"):
				f.skipMe = true
			case EqualFold(val, "no"):
				f.skipMe = false
			default:
				return errs.Syntax
			}
		case EqualFold(opt, "flags"), EqualFold(opt, "not-flags"):
			not := EqualFold(opt, "not-flags")
			for _, ch := range val {
				if _, ok := letterFlag(ch); !ok {
					return errs.UnknownClientFlags(string(val), not)
				}
			}
			if not {
				f.notFlags = optString{string(val), true}
			} else {
				f.flags = optString{string(val), true}
			}
		case EqualFold(opt, "name"):
			f.name = optString{string(val), true}
		case EqualFold(opt, "not-name"):
			f.notName = optString{string(val), true}
		case EqualFold(opt, "lib-name"):
			f.libName = optString{string(val), true}
		case EqualFold(opt, "not-lib-name"):
			f.notLibName = optString{string(val), true}
		case EqualFold(opt, "lib-ver"):
			f.libVer = optString{string(val), true}
		case EqualFold(opt, "not-lib-ver"):
			f.notLibVer = optString{string(val), true}
		case EqualFold(opt, "db"), EqualFold(opt, "not-db"):
			label, notInt, dst := "DB", errs.DBFilterNotInt, &f.db
			if EqualFold(opt, "not-db") {
				label, notInt, dst = "NOT-DB", errs.NotDBFilterNotInt, &f.notDB
			}
			n, ok := num.ParseInt(val)
			if !ok || n < math.MinInt32 || n > math.MaxInt32 {
				return notInt
			}
			if dbs := c.Srv.ks.NumDBs(); n < 0 || n >= int64(dbs) {
				return errs.DBFilterRange(label, dbs-1)
			}
			*dst = int(n)
		case EqualFold(opt, "capa"), EqualFold(opt, "not-capa"):
			not := EqualFold(opt, "not-capa")
			for _, ch := range val {
				if ch != 'r' {
					return errs.UnknownClientCapa(string(val), not)
				}
			}
			if not {
				f.notCapa = optString{string(val), true}
			} else {
				f.capa = optString{string(val), true}
			}
		case EqualFold(opt, "ip"):
			f.ip = optString{string(val), true}
		case EqualFold(opt, "not-ip"):
			f.notIP = optString{string(val), true}
		default:
			return errs.Syntax
		}
		i += 2
	}
	return nil
}

// userExists reports whether an ACL user exists. Until ACL users exist,
// the default user is the only one.
func (s *Server) userExists(name string) bool { return name == "default" }

// matchesFlags reports whether a client with flags f has every flag the
// letters name (clientMatchesFlagFilter).
func matchesFlags(f ClientFlag, letters string) bool {
	for i := 0; i < len(letters); i++ {
		switch ch := letters[i]; ch {
		case 'N':
			if f != 0 {
				return false
			}
		case 'O':
			if f&(ClientReplica|ClientMonitor) != ClientReplica|ClientMonitor {
				return false
			}
		case 'i', 'E': // slot migration clients: none yet
			return false
		default:
			fl, _ := letterFlag(ch)
			if f&fl == 0 {
				return false
			}
		}
	}
	return true
}

// matchesCapa reports whether a client has every capability named (r,
// redirect, is the only one).
func matchesCapa(cl *Client, letters string) bool {
	for i := 0; i < len(letters); i++ {
		if letters[i] != 'r' || !cl.capaRedirect.Load() {
			return false
		}
	}
	return true
}

// matchesIP is clientMatchesIpFilter: addr (ip:port or [ipv6]:port) is
// from ip, and its port is not 0.
func matchesIP(addr, ip string) bool {
	p := strings.TrimPrefix(addr, "[")
	if !strings.HasPrefix(p, ip) {
		return false
	}
	p = strings.TrimPrefix(p[len(ip):], "]")
	return len(p) >= 2 && p[0] == ':' && p[1] != '0'
}

// equalSet reports whether a client value (empty meaning unset) equals a
// filter value: unset values match nothing, as Valkey's NULL fields.
func equalSet(have string, want optString) bool { return have != "" && have == want.v }

func (f *clientFilter) matches(cl *Client) bool {
	name := cl.Name()
	libName, libVer := cl.LibInfo()
	user := cl.User()
	flags := cl.listFlags(cl == f.self)
	age := f.nowUnix - cl.created.Unix()
	idle := f.nowUnix - cl.lastActive.Load()/1000
	switch {
	case f.addr.set && cl.addr != f.addr.v,
		f.laddr.set && cl.laddr != f.laddr.v,
		f.typ >= 0 && cl.clientType() != f.typ,
		f.ids != nil && !f.ids[cl.ID],
		f.user.set && user != f.user.v,
		f.skipMe && cl == f.self,
		f.maxAge != 0 && age < f.maxAge,
		f.idle != 0 && idle < f.idle,
		f.flags.set && !matchesFlags(flags, f.flags.v),
		f.name.set && !equalSet(name, f.name),
		f.libName.set && !equalSet(libName, f.libName),
		f.libVer.set && !equalSet(libVer, f.libVer),
		f.db >= 0 && cl.DB() != f.db,
		f.capa.set && !matchesCapa(cl, f.capa.v),
		f.ip.set && !matchesIP(cl.addr, f.ip.v):
		return false
	case f.notAddr.set && cl.addr == f.notAddr.v,
		f.notLaddr.set && cl.laddr == f.notLaddr.v,
		f.notType >= 0 && cl.clientType() == f.notType,
		f.notIDs != nil && f.notIDs[cl.ID],
		f.notUser.set && user == f.notUser.v,
		f.notFlags.set && matchesFlags(flags, f.notFlags.v),
		f.notName.set && equalSet(name, f.notName),
		f.notLibName.set && equalSet(libName, f.notLibName),
		f.notLibVer.set && equalSet(libVer, f.notLibVer),
		f.notDB >= 0 && cl.DB() == f.notDB,
		f.notCapa.set && matchesCapa(cl, f.notCapa.v),
		f.notIP.set && matchesIP(cl.addr, f.notIP.v):
		return false
	}
	return true
}

// ---- handlers, in the order of Valkey's CLIENT HELP ----

func cmdClientID(c *Ctx) { c.W.Int(c.Client.ID) }

func cmdClientGetName(c *Ctx) {
	if name := c.Client.Name(); name != "" {
		c.W.BulkString(name)
		return
	}
	c.W.Null()
}

func cmdClientInfo(c *Ctx) {
	b := appendClientInfo(nil, c.Client, c)
	c.W.Verbatim("txt", append(b, '\n'))
}

// cmdClientKill is CLIENT KILL ip:port (replies OK or an error; may kill
// the caller) or CLIENT KILL <filter> ... (replies the count; skips the
// caller unless SKIPME no). Other clients are closed at once: a command
// they are running completes, and they run no more. The caller, if
// matched, is closed after this reply.
func cmdClientKill(c *Ctx) {
	f := newClientFilter(c, true)
	oldForm := len(c.Args) == 3
	if oldForm {
		f.addr = optString{string(c.Args[2]), true}
		f.skipMe = false
	} else if err := parseClientFilters(c, 2, &f); err != nil {
		c.Error(err)
		return
	}
	killed := 0
	for _, cl := range c.Srv.Clients() {
		if !f.matches(cl) {
			continue
		}
		if cl == c.Client {
			c.Client.closeAfterReply = true
		} else {
			cl.Kill()
		}
		killed++
	}
	switch {
	case !oldForm:
		c.W.Int(int64(killed))
	case killed == 0:
		c.Error(errs.NoSuchClient)
	default:
		c.W.OK()
	}
}

func cmdClientList(c *Ctx) {
	var f *clientFilter
	switch {
	case len(c.Args) > 3:
		nf := newClientFilter(c, false)
		if err := parseClientFilters(c, 2, &nf); err != nil {
			c.Error(err)
			return
		}
		f = &nf
	case len(c.Args) != 2:
		c.Error(errs.Syntax)
		return
	}
	var b []byte
	for _, cl := range c.Srv.Clients() {
		if f != nil && !f.matches(cl) {
			continue
		}
		b = appendClientInfo(b, cl, c)
		b = append(b, '\n')
	}
	c.W.Verbatim("txt", b)
}

func cmdClientUnpause(c *Ctx) {
	c.Srv.Unpause()
	c.W.OK()
}

// cmdClientPause is CLIENT PAUSE timeout [WRITE|ALL]. The mode is checked
// before the timeout and only when it is the fourth argument (Valkey
// ignores a mode followed by more arguments and pauses ALL).
func cmdClientPause(c *Ctx) {
	all := true
	if len(c.Args) == 4 {
		switch {
		case EqualFold(c.Args[3], "write"):
			all = false
		case EqualFold(c.Args[3], "all"):
		default:
			c.Error(errs.ClientPauseMode)
			return
		}
	}
	ms, ok := num.ParseInt(c.Args[2])
	switch {
	case !ok:
		c.Error(errs.Timeout)
		return
	case ms < 0:
		c.Error(errs.TimeoutNegative)
		return
	}
	var until time.Time
	if ms > 0 {
		now := c.Now.UnixMilli()
		if ms > math.MaxInt64-now {
			c.Error(errs.TimeoutRange)
			return
		}
		until = time.UnixMilli(now + ms)
	}
	c.Srv.Pause(until, all)
	c.W.OK()
}

// cmdClientReply is CLIENT REPLY ON|OFF|SKIP. OFF and SKIP reply nothing;
// the dispatcher drops replies according to replyMode.
func cmdClientReply(c *Ctx) {
	cl := c.Client
	switch arg := c.Args[2]; {
	case EqualFold(arg, "on"):
		cl.replyMode = replyOn
		c.W.OK()
	case EqualFold(arg, "off"):
		cl.replyMode = replyOff
	case EqualFold(arg, "skip"):
		if cl.replyMode != replyOff {
			cl.replyMode = replySkipNext
		}
	default:
		c.Error(errs.Syntax)
	}
}

func cmdClientSetName(c *Ctx) {
	name := c.Args[2]
	if err := validateClientName(name); err != nil {
		c.Error(err)
		return
	}
	c.Client.SetName(string(name))
	c.W.OK()
}

// cmdClientSetInfo is CLIENT SETINFO LIB-NAME|LIB-VER value; an empty
// value unsets the attribute.
func cmdClientSetInfo(c *Ctx) {
	attr, val := c.Args[2], c.Args[3]
	isName := EqualFold(attr, "lib-name")
	if !isName && !EqualFold(attr, "lib-ver") {
		c.Error(errs.UnrecognizedOption(string(attr)))
		return
	}
	for _, ch := range val {
		if ch < '!' || ch > '~' {
			c.Error(errs.AttrSpecialChars(string(attr)))
			return
		}
	}
	cl := c.Client
	cl.mu.Lock()
	if isName {
		cl.mu.libName = string(val)
	} else {
		cl.mu.libVer = string(val)
	}
	cl.mu.Unlock()
	c.W.OK()
}

// onOff parses ON|OFF, replying a syntax error otherwise.
func onOff(c *Ctx, arg []byte) (on, ok bool) {
	switch {
	case EqualFold(arg, "on"):
		return true, true
	case EqualFold(arg, "off"):
		return false, true
	}
	c.Error(errs.Syntax)
	return false, false
}

func cmdClientNoEvict(c *Ctx) {
	if on, ok := onOff(c, c.Args[2]); ok {
		c.Client.setNoEvict(on)
		c.W.OK()
	}
}

func cmdClientNoTouch(c *Ctx) {
	if on, ok := onOff(c, c.Args[2]); ok {
		c.Client.setNoTouch(on)
		c.W.OK()
	}
}

// CLIENT CAPA <option> ...: the client declares capabilities. REDIRECT
// (it can follow -REDIRECT during a failover) is recorded and shown as
// capa=r; unknown options are ignored, as in Valkey. A primary never
// redirects, so the capability changes no reply yet.
func cmdClientCapa(c *Ctx) {
	for _, opt := range c.Args[2:] {
		if EqualFold(opt, "redirect") {
			c.Client.capaRedirect.Store(true)
		}
	}
	c.W.OK()
}

// CLIENT IMPORT-SOURCE ON|OFF: marks the client as the source of an
// import (import-mode): its commands see keys whose TTL has passed as
// still there, because the import source owns their expiry.
func cmdClientImportSource(c *Ctx) {
	arg := c.Args[2]
	if !c.Srv.Settings().ImportMode && !EqualFold(arg, "off") {
		c.Error(errNotImportMode)
		return
	}
	switch {
	case EqualFold(arg, "on"):
		c.Client.setImportSource(true)
	case EqualFold(arg, "off"):
		c.Client.setImportSource(false)
	default:
		c.Error(errs.Syntax)
		return
	}
	c.W.OK()
}

var errNotImportMode = errs.New("ERR Server is not in import mode")

var clientHelp = []string{
	"CACHING (YES|NO)",
	"    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
	"CAPA <option> [options...]",
	"    The client claims its some capability options. Options are:",
	"    * REDIRECT",
	"      The client can handle redirection during primary and replica failover in standalone mode.",
	"GETREDIR",
	"    Return the client ID we are redirecting to when tracking is enabled.",
	"GETNAME",
	"    Return the name of the current connection.",
	"ID",
	"    Return the ID of the current connection.",
	"INFO",
	"    Return information about the current client connection.",
	"KILL <ip:port>",
	"    Kill connection made from <ip:port>.",
	"KILL <option> <value> [<option> <value> [...]]",
	"    Kill connections. Options are:",
	"    * ADDR (<ip:port>|<unixsocket>:0)",
	"      Kill connections made from the specified address.",
	"    * LADDR (<ip:port>|<unixsocket>:0)",
	"      Kill connections made to the specified local address.",
	"    * TYPE (NORMAL|PRIMARY|REPLICA|PUBSUB)",
	"      Kill connections by type.",
	"    * USER <username>",
	"      Kill connections authenticated by <username>.",
	"    * SKIPME (YES|NO)",
	"      Skip killing current connection (default: yes).",
	"    * ID <client-id> [<client-id>...]",
	"      Kill connections by client IDs.",
	"    * MAXAGE <maxage>",
	"      Kill connections older than the specified age.",
	"    * FLAGS <flags>",
	"      Kill connections that include the specified flags.",
	"    * NAME <client-name>",
	"      Kill connections with the specified name.",
	"    * IDLE <idle>",
	"      Kill connections with idle time greater than or equal to <idle> seconds.",
	"    * LIB-NAME <library-name>",
	"      Kill connections with the specified library name.",
	"    * LIB-VER <library-version>",
	"      Kill connections with the specified library version.",
	"    * DB <db-id>",
	"      Kill connections currently operating on the specified database ID.",
	"    * CAPA <capa>",
	"      Kill connections currently with the specified capa.",
	"    * IP <ip>",
	"      Kill connections made from the specified ip.",
	"LIST [options ...]",
	"    Return information about client connections. Options:",
	"    * TYPE (NORMAL|PRIMARY|REPLICA|PUBSUB)",
	"      Return clients of specified type.",
	"    * USER <username>",
	"      Return clients authenticated by <username>.",
	"    * ADDR <ip:port>",
	"      Return clients connected from the specified address.",
	"    * LADDR <ip:port>",
	"      Return clients connected to the specified local address.",
	"    * ID <client-id> [<client-id>...]",
	"      Return clients with the specified IDs.",
	"    * SKIPME (YES|NO)",
	"      Exclude the current client from the list (default: no).",
	"    * MAXAGE <maxage>",
	"      List connections older than the specified age.",
	"    * FLAGS <flags>",
	"      Return clients with the specified flags.",
	"    * NAME <client-name>",
	"      Return clients with the specified name.",
	"    * IDLE <idle>",
	"      Return clients with idle time greater than or equal to <idle> seconds.",
	"    * LIB-NAME <lib-name>",
	"      Return clients with the specified lib name.",
	"    * LIB-VER <lib-version>",
	"      Return clients with the specified lib version.",
	"    * DB <db-id>",
	"      Return clients currently operating on the specified database ID.",
	"    * CAPA <capa>",
	"      Return connections currently with the specified capa.",
	"    * IP <ip>",
	"      Return connections made from the specified ip.",
	"UNPAUSE",
	"    Stop the current client pause, resuming traffic.",
	"PAUSE <timeout> [WRITE|ALL]",
	"    Suspend all, or just write, clients for <timeout> milliseconds.",
	"REPLY (ON|OFF|SKIP)",
	"    Control the replies sent to the current connection.",
	"SETNAME <name>",
	"    Assign the name <name> to the current connection.",
	"SETINFO <option> <value>",
	"    Set client meta attr. Options are:",
	"    * LIB-NAME: the client lib name.",
	"    * LIB-VER: the client lib version.",
	"UNBLOCK <clientid> [TIMEOUT|ERROR]",
	"    Unblock the specified blocked client.",
	"TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
	"         [OPTIN] [OPTOUT] [NOLOOP]",
	"    Control server assisted client side caching.",
	"TRACKINGINFO",
	"    Report tracking status for the current connection.",
	"NO-EVICT (ON|OFF)",
	"    Protect current client connection from eviction.",
	"NO-TOUCH (ON|OFF)",
	"    Will not touch LRU/LFU stats when this mode is on.",
	"IMPORT-SOURCE (ON|OFF)",
	"    Mark this connection as an import source if import-mode is enabled.",
	"    Sync tools can set their connections into 'import-source' state to visit",
	"    expired keys.",
}

func cmdClientHelp(c *Ctx) { writeSubcommandHelp(c, clientHelp) }
