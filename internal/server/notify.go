package server

import (
	"strconv"

	"petrel/internal/config"
)

// Keyspace notifications (notify-keyspace-events), as Valkey's notify.c.
//
// Every change of a key ends in Ctx.Modified(key, event) (or Ctx.Notify
// for a command's second event on the same key), expiry in onExpire and
// onFieldsExpired, and the lookup-level events in the keyspace's OnKeyMiss
// and OnNewKey callbacks. All of them come here with the event's name. The
// name decides the event's class (eventClasses); if notify-keyspace-events
// enables that class and K or E, the event is published, synchronously and
// in the order the command emits it, as
//
//	PUBLISH __keyspace@<db>__:<key>   <event>   (K)
//	PUBLISH __keyevent@<db>__:<event> <key>     (E)
//
// A class that is off costs one atomic load. "keymiss" (m) and "new" (n)
// fire on every read miss and every key creation, so the keyspace calls
// back for them only while their class is on (SetKeyEventFlags, given
// notify-keyspace-events' flags word in attachConfig).
//
// Class e (evicted) is accepted by CONFIG SET and printed by CONFIG GET,
// but no event of it is ever emitted: Petrel does not evict keys yet
// (maxmemory is not enforced). Class d (module) likewise, as there are no
// modules.

// eventClasses maps every keyspace event name to its notification class.
// It is the one place a command family declares the events it emits: a
// name missing here is never published (notify_test.go checks that every
// literal event name passed to Ctx.Modified or Ctx.Notify in the command
// families is listed). Names and classes are Valkey 9's.
//
// "hexpired" is class h when a command finds fields whose TTL passed, and
// class x when the active expiry cycle reclaims them (onFieldsExpired
// publishes that one with notifyKeyspaceClass).
var eventClasses = map[string]int64{
	// g: generic (keys.go, and "del" from every family emptying a key).
	"del": config.NotifyGeneric, "expire": config.NotifyGeneric, "persist": config.NotifyGeneric,
	"rename_from": config.NotifyGeneric, "rename_to": config.NotifyGeneric,
	"move_from": config.NotifyGeneric, "move_to": config.NotifyGeneric,
	"copy_to": config.NotifyGeneric, "restore": config.NotifyGeneric,

	// $: strings, bitmaps, HyperLogLog.
	"set": config.NotifyString, "setrange": config.NotifyString, "append": config.NotifyString,
	"incrby": config.NotifyString, "incrbyfloat": config.NotifyString,
	"setbit": config.NotifyString, "pfadd": config.NotifyString,

	// l: lists (and SORT ... STORE).
	"lpush": config.NotifyList, "rpush": config.NotifyList, "lpop": config.NotifyList,
	"rpop": config.NotifyList, "linsert": config.NotifyList, "lset": config.NotifyList,
	"ltrim": config.NotifyList, "lrem": config.NotifyList, "sortstore": config.NotifyList,

	// s: sets.
	"sadd": config.NotifySet, "srem": config.NotifySet, "spop": config.NotifySet,
	"sinterstore": config.NotifySet, "sunionstore": config.NotifySet, "sdiffstore": config.NotifySet,

	// z: sorted sets (and the geo STORE commands).
	"zadd": config.NotifyZset, "zincr": config.NotifyZset, "zrem": config.NotifyZset,
	"zremrangebyrank": config.NotifyZset, "zremrangebyscore": config.NotifyZset,
	"zremrangebylex": config.NotifyZset, "zunionstore": config.NotifyZset,
	"zinterstore": config.NotifyZset, "zdiffstore": config.NotifyZset,
	"zrangestore": config.NotifyZset, "zpopmin": config.NotifyZset, "zpopmax": config.NotifyZset,
	"georadiusstore": config.NotifyZset, "geosearchstore": config.NotifyZset,

	// h: hashes, field expiration included.
	"hset": config.NotifyHash, "hdel": config.NotifyHash, "hincrby": config.NotifyHash,
	"hincrbyfloat": config.NotifyHash, "hexpire": config.NotifyHash,
	"hpersist": config.NotifyHash, "hexpired": config.NotifyHash,

	// t: streams.
	"xadd": config.NotifyStream, "xdel": config.NotifyStream, "xtrim": config.NotifyStream,
	"xsetid": config.NotifyStream, "xgroup-create": config.NotifyStream,
	"xgroup-createconsumer": config.NotifyStream, "xgroup-setid": config.NotifyStream,
	"xgroup-destroy": config.NotifyStream, "xgroup-delconsumer": config.NotifyStream,

	// x, e, m, n: expiry, eviction, read misses, new keys.
	"expired": config.NotifyExpired,
	"evicted": config.NotifyEvicted,
	"keymiss": config.NotifyKeyMiss,
	"new":     config.NotifyNew,
}

// notifyFlags returns the notify-keyspace-events classes in force. A
// server without a configuration yet (one built from bare Settings, before
// its first CONFIG command) has the default: none.
func (s *Server) notifyFlags() int64 {
	if cfg := s.adm.cfg.Load(); cfg != nil {
		return cfg.Hot.NotifyKeyspaceEvents.Load()
	}
	return 0
}

// notifyKeyspace publishes a keyspace event for key in db, if its class
// is enabled. Callers hold the key's shard lock; Publish takes none.
func (s *Server) notifyKeyspace(db int, key []byte, event string) {
	flags := s.notifyFlags()
	if flags == 0 {
		return
	}
	s.publishKeyEvent(flags, eventClasses[event], db, key, event)
}

// notifyKeyspaceClass is notifyKeyspace for an event whose class depends
// on where it comes from ("hexpired" from the active expiry cycle).
func (s *Server) notifyKeyspaceClass(class int64, db int, key []byte, event string) {
	flags := s.notifyFlags()
	if flags == 0 {
		return
	}
	s.publishKeyEvent(flags, class, db, key, event)
}

func (s *Server) publishKeyEvent(flags, class int64, db int, key []byte, event string) {
	if flags&class == 0 || flags&(config.NotifyKeyspace|config.NotifyKeyevent) == 0 {
		return
	}
	// Fresh buffers: Publish may keep what it is given.
	if flags&config.NotifyKeyspace != 0 {
		ch := make([]byte, 0, 16+len(key))
		ch = append(ch, "__keyspace@"...)
		ch = strconv.AppendInt(ch, int64(db), 10)
		ch = append(ch, "__:"...)
		ch = append(ch, key...)
		s.Publish(ch, []byte(event))
	}
	if flags&config.NotifyKeyevent != 0 {
		ch := make([]byte, 0, 16+len(event))
		ch = append(ch, "__keyevent@"...)
		ch = strconv.AppendInt(ch, int64(db), 10)
		ch = append(ch, "__:"...)
		ch = append(ch, event...)
		s.Publish(ch, append([]byte(nil), key...)) // key aliases the store
	}
}

// onKeyMiss and onNewKey are the keyspace's OnKeyMiss and OnNewKey.
func (s *Server) onKeyMiss(db int, key []byte) { s.notifyKeyspace(db, key, "keymiss") }
func (s *Server) onNewKey(db int, key []byte)  { s.notifyKeyspace(db, key, "new") }
