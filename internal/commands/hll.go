package commands

import "petrel/internal/server"

// registerHyperLogLog is being written; until then the family answers as unknown.
func registerHyperLogLog(r *server.Registry) {}
