package commands

// Scripting (EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT, FUNCTION, FCALL,
// FCALL_RO) lives in the server package (internal/server/scripting.go):
// scripts need the dispatcher's locks, the BUSY state and the event loops.
// The Lua engine itself is internal/scripting. This family only registers
// it with the data families.

import "petrel/internal/server"

func registerFunctions(r *server.Registry) { server.RegisterScripting(r) }
