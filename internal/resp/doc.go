// Package resp reads RESP2/RESP3 requests and writes replies.
//
// It owns the wire format only: no commands, no sockets. A connection feeds
// the bytes it read to a Reader and asks for complete commands; the
// arguments it gets back are slices of the Reader's buffer, valid until the
// next call that reads more input. Replies are appended to a Writer's buffer
// with allocation-free Append-style methods and flushed by the caller once
// per drained batch.
//
//	r := resp.NewReader(limits)
//	r.Feed(data)                     // or read directly into r.Space()
//	for {
//		args, err := r.Next()
//		if err == resp.ErrIncomplete { break }
//		if err != nil { w.Error(err.Error()); close after flush }
//		...run args, append replies to w...
//	}
//
// Caller's duties:
//  1. Do not keep argument slices after the next Feed/Space/Commit call;
//     copy what you store.
//  2. On a *ProtocolError, write it as an error reply, flush, and close the
//     connection, as Valkey does.
//  3. Set the Writer's protocol (2 or 3) when the client says HELLO.
package resp
