//go:build !race

package diff

import "time"

// readTimeout bounds each read of a reply.
const readTimeout = 5 * time.Second
