package commands

import "petrel/internal/server"

// registerBitmaps is being written; until then the family answers as unknown.
func registerBitmaps(r *server.Registry) {}
