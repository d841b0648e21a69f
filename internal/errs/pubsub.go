package errs

// Errors of pub/sub and MONITOR (internal/server/pubsub.go, monitor.go).
var (
	SSubscribeDenyBlocking = New("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client")
	MonitorDenyBlocking    = New("ERR MONITOR isn't allowed for DENY BLOCKING client")
	ReplicaKeyspace        = New("ERR Replica can't interact with the keyspace")
)

// SubscribedContext is the error a RESP2 client with subscriptions gets
// for a command other than (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PING, QUIT
// and RESET; name is the command's full name ("client|list").
func SubscribedContext(name string) *Error {
	return New("ERR Can't execute '" + name + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context")
}
