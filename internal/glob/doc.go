// Package glob matches strings against Valkey's glob-style patterns.
//
// It owns one function, Match, with exactly the semantics of Valkey's
// stringmatchlen (util.c): the same answers for every pattern, including
// malformed ones, so KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET and ACL key
// patterns behave as they do in Valkey.
//
//	glob.Match([]byte("user:*"), []byte("user:42"), false) // true
//	glob.Match([]byte("h[^e]llo"), []byte("hallo"), false) // true
//	glob.Match([]byte("MAX*"), []byte("maxmemory"), true)  // true
//
// Pattern syntax: a star matches any run of bytes, possibly empty; "?"
// matches exactly one byte; "[abc]" matches one byte from the set, "[a-z]"
// a range (given in either order) and "[^...]" negates the set; a
// backslash makes the next byte literal, inside sets too.
//
// Quirks kept on purpose, because clients observe them: an unterminated
// "[abc" is a set running to the end of the pattern; "[" alone matches
// nothing; a set's "a-]" is a range ending at ']'; an escaped byte inside a
// set is compared case-sensitively even when nocase is set; bytes >= 0x80
// compare as signed chars in ranges, as in C on x86; and no pattern but ""
// matches the empty string, not even "*" (Valkey's KEYS and SCAN treat a
// lone "*" specially before matching).
//
// Caller's duties:
//  1. Pass the raw pattern bytes; Match does not unescape or copy them.
//  2. Expect false for pathological patterns that nest more than 1000
//     stars deep, as Valkey answers; Match never takes exponential time.
package glob
