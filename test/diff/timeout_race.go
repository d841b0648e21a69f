//go:build race

package diff

import "time"

// readTimeout bounds each read of a reply; the race detector slows the
// heaviest commands (PFSELFTEST) several-fold.
const readTimeout = 30 * time.Second
