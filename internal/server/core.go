package server

import (
	"crypto/subtle"
	"math"

	"petrel/internal/errs"
)

// Connection commands the server implements itself: PING ECHO SELECT QUIT
// RESET AUTH HELLO READONLY READWRITE. CLIENT and the administration commands register from
// their own files through registerAdmin.

// registerCore registers the commands the server package implements.
func registerCore(r *Registry) {
	r.Handle("ping", cmdPing)
	r.Handle("echo", cmdEcho)
	r.Handle("select", cmdSelect)
	r.Handle("quit", cmdQuit)
	r.Handle("reset", cmdReset)
	r.Handle("auth", cmdAuth)
	r.Handle("hello", cmdHello)
	r.Handle("readonly", cmdReadonly)
	r.Handle("readwrite", cmdReadwrite)
	registerMulti(r)
	registerAdmin(r)
}

var (
	errHelloNoAuth  = errs.New("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
	errHelloProto   = errs.New("ERR Protocol version is not an integer or out of range")
	errDBOutOfRange = errs.New("ERR DB index is out of range")
)

func cmdPing(c *Ctx) {
	if len(c.Args) > 2 {
		c.Error(errs.WrongArity("ping"))
		return
	}
	if c.Client.Flags()&ClientPubSub != 0 && c.Client.Proto() == 2 {
		pingSubscribed(c) // pubsub.go
		return
	}
	if len(c.Args) == 1 {
		c.W.Simple("PONG")
		return
	}
	c.W.Bulk(c.Args[1])
}

func cmdEcho(c *Ctx) { c.W.Bulk(c.Args[1]) }

func cmdSelect(c *Ctx) {
	p := c.Parser(1)
	id := p.Int64()
	if p.Err() != nil {
		c.Error(p.Err())
		return
	}
	if id < math.MinInt32 || id > math.MaxInt32 {
		c.Error(errs.IntRange)
		return
	}
	if id < 0 || id >= int64(c.Srv.ks.NumDBs()) {
		c.Error(errDBOutOfRange)
		return
	}
	c.Client.SetDB(int(id))
	c.W.OK()
}

func cmdQuit(c *Ctx) {
	c.W.OK()
	c.Client.closeAfterReply = true
}

// cmdReset returns the connection to its initial state: db 0, RESP2, the
// default user (unauthenticated if a password is set), no name, replies on.
func cmdReset(c *Ctx) {
	cl := c.Client
	cl.SetDB(0)
	cl.setProto(2)
	cl.authed = c.Srv.Settings().Requirepass == ""
	cl.SetName("")
	cl.replyMode = replyOn
	cl.setNoEvict(false)
	cl.setNoTouch(false)
	cl.SetFlag(ClientReadonly, false)
	c.Srv.discardTransaction(cl)
	c.Srv.resetHooks(cl)
	c.W.Simple("RESET")
}

// READONLY and READWRITE set and clear the client's readonly flag (r in
// CLIENT LIST). It lets a cluster client read from replicas; a standalone
// primary accepts it and serves the client as before, as Valkey does.
func cmdReadonly(c *Ctx) {
	c.Client.SetFlag(ClientReadonly, true)
	c.W.OK()
}

func cmdReadwrite(c *Ctx) {
	c.Client.SetFlag(ClientReadonly, false)
	c.W.OK()
}

// checkPassword authenticates user/pass against requirepass (the default
// user is the only user until ACLs exist).
func (s *Server) checkPassword(user, pass []byte) bool {
	want := s.Settings().Requirepass
	if string(user) != "default" {
		return false
	}
	if want == "" {
		return true // the default user has nopass
	}
	return subtle.ConstantTimeCompare(pass, []byte(want)) == 1
}

func cmdAuth(c *Ctx) {
	if len(c.Args) > 3 {
		c.Error(errs.Syntax)
		return
	}
	user, pass := []byte("default"), c.Args[1]
	if len(c.Args) == 2 {
		if c.Srv.Settings().Requirepass == "" {
			c.Error(errs.AuthNoPassword)
			return
		}
	} else {
		user, pass = c.Args[1], c.Args[2]
	}
	if !c.Srv.checkPassword(user, pass) {
		c.Error(errs.WrongPass)
		return
	}
	c.Client.authed = true
	c.W.OK()
}

func cmdHello(c *Ctx) {
	var ver int64
	next := 1
	if len(c.Args) >= 2 {
		p := c.Parser(1)
		ver = p.Int64Err(errHelloProto)
		if p.Err() != nil {
			c.Error(p.Err())
			return
		}
		if ver < 2 || ver > 3 {
			c.Error(errs.NoProto)
			return
		}
		next = 2
	}
	var user, pass, name []byte
	for j := next; j < len(c.Args); j++ {
		more := len(c.Args) - 1 - j
		opt := c.Args[j]
		switch {
		case EqualFold(opt, "auth") && more >= 2:
			user, pass = c.Args[j+1], c.Args[j+2]
			j += 2
		case EqualFold(opt, "setname") && more >= 1:
			name = c.Args[j+1]
			if err := validateClientName(name); err != nil {
				c.Error(err)
				return
			}
			j++
		default:
			c.Error(errs.New("ERR Syntax error in HELLO option '" + string(opt) + "'"))
			return
		}
	}
	if user != nil {
		if !c.Srv.checkPassword(user, pass) {
			c.Error(errs.WrongPass)
			return
		}
		c.Client.authed = true
	}
	if !c.Client.authed {
		c.Error(errHelloNoAuth)
		return
	}
	if name != nil {
		c.Client.SetName(string(name))
	}
	if ver != 0 {
		c.Client.setProto(int(ver))
	}
	st := c.Srv.Settings()
	server, version := "valkey", ValkeyVersion
	if st.ExtendedRedisCompat {
		server, version = "redis", RedisVersion
	}
	w := c.W
	if st.AvailabilityZone != "" {
		w.Map(8)
	} else {
		w.Map(7)
	}
	w.BulkString("server")
	w.BulkString(server)
	w.BulkString("version")
	w.BulkString(version)
	w.BulkString("proto")
	w.Int(int64(c.Client.Proto()))
	w.BulkString("id")
	w.Int(c.Client.ID)
	w.BulkString("mode")
	w.BulkString("standalone")
	w.BulkString("role")
	w.BulkString("master")
	w.BulkString("modules")
	w.Array(0)
	if st.AvailabilityZone != "" {
		w.BulkString("availability_zone")
		w.BulkString(st.AvailabilityZone)
	}
}

// validateClientName enforces Valkey's rule: printable ASCII, no spaces.
func validateClientName(name []byte) error {
	for _, ch := range name {
		if ch < '!' || ch > '~' {
			return errs.ClientNameSpaces
		}
	}
	return nil
}

func (cl *Client) setProto(v int) {
	cl.proto.Store(int32(v))
	cl.w.Proto = v
}

// resetHooks lets families clear per-connection state on RESET (pub/sub,
// tracking, MULTI when they exist).
func (s *Server) resetHooks(cl *Client) {
	s.dropClientState(cl) // pub/sub and MONITOR (monitor.go)
}
