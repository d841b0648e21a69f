package server

// registerAdmin registers CLIENT and INFO (client_cmds.go, info.go) and the
// other server administration commands (server_cmds.go and friends).
func registerAdmin(r *Registry) {
	registerClientCmds(r)
	registerServerCmds(r)
	registerPubSub(r)      // pubsub.go
	registerMonitor(r)     // monitor.go
	registerReplication(r) // replication.go
}
