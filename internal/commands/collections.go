package commands

import (
	"petrel/internal/errs"
	"petrel/internal/keyspace"
)

// Lookups shared by the collection families: each family's setOf/zsetOf
// helpers are these, instantiated with its value type.

// objectOf returns the collection an entry holds if it is of type typ,
// else WRONGTYPE.
func objectOf[T any](e keyspace.Entry, typ uint8) (T, error) {
	if e.Type() != typ {
		var zero T
		return zero, errs.WrongType
	}
	return e.Object().(T), nil
}

// readObject finds key for a read command: its collection, the zero T when
// the key is missing, or WRONGTYPE.
func readObject[T any](db keyspace.DB, key []byte, typ uint8) (T, error) {
	e, ok := db.LookupRead(key)
	if !ok {
		var zero T
		return zero, nil
	}
	return objectOf[T](e, typ)
}

// writeObject finds key for a write command: its collection and entry,
// the zero T when the key is missing, or WRONGTYPE.
func writeObject[T any](db keyspace.DB, key []byte, typ uint8) (T, keyspace.Entry, error) {
	e, ok := db.LookupWrite(key)
	if !ok {
		var zero T
		return zero, e, nil
	}
	v, err := objectOf[T](e, typ)
	return v, e, err
}
