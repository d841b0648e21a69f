package cmdspec

import (
	"math/bits"

	"petrel/internal/glob"
	"petrel/internal/resp"
)

// This file renders the COMMAND replies byte for byte as Valkey 9 does
// (server.c: addReplyCommandInfo, addReplyCommandDocs and their helpers),
// in RESP2 and RESP3. Valkey lists subcommands in hash-table order, which
// changes with every start; Petrel lists them sorted by name.

// catReplyNames are the category names as COMMAND INFO prints them.
var catReplyNames = func() (out [len(categoryNames)]string) {
	for i, n := range categoryNames {
		out[i] = "@" + n
	}
	return out
}()

// WriteInfo writes s's COMMAND INFO entry: an array of name, arity, flags,
// first key, last key, key step, ACL categories, tips, key specs and
// subcommands (each itself an entry). A nil s writes a null, as COMMAND
// INFO does for an unknown name.
func WriteInfo(w *resp.Writer, s *Spec) {
	if s == nil {
		w.Null()
		return
	}
	w.Array(10)
	w.BulkString(s.Name)
	w.Int(int64(s.Arity))
	writeCommandFlags(w, s.Flags)
	w.Int(int64(s.FirstKey))
	w.Int(int64(s.LastKey))
	w.Int(int64(s.KeyStep))
	w.Set(bits.OnesCount64(uint64(s.Categories)))
	for i, n := range catReplyNames {
		if s.Categories&(1<<i) != 0 {
			w.Simple(n)
		}
	}
	w.Set(len(s.Tips))
	for _, t := range s.Tips {
		w.BulkString(t)
	}
	w.Set(len(s.KeySpecs))
	for i := range s.KeySpecs {
		writeKeySpec(w, &s.KeySpecs[i])
	}
	if len(s.Subcommands) == 0 {
		w.Set(0)
		return
	}
	w.Array(len(s.Subcommands))
	for _, sub := range s.Subcommands {
		WriteInfo(w, sub)
	}
}

func writeCommandFlags(w *resp.Writer, f Flag) {
	n := 0
	for _, fn := range flagReplyNames {
		if f&fn.f != 0 {
			n++
		}
	}
	w.Set(n)
	for _, fn := range flagReplyNames {
		if f&fn.f != 0 {
			w.Simple(fn.name)
		}
	}
}

// WriteKeyFlags writes key-spec flags as a set of status replies, in
// Valkey's order (also used by COMMAND GETKEYSANDFLAGS).
func WriteKeyFlags(w *resp.Writer, f KeyFlag) {
	w.Set(bits.OnesCount16(uint16(f)))
	for i, n := range keyFlagNames {
		if f&(1<<i) != 0 {
			w.Simple(n)
		}
	}
}

func writeKeySpec(w *resp.Writer, ks *KeySpec) {
	if ks.Notes != "" {
		w.Map(4)
		w.BulkString("notes")
		w.BulkString(ks.Notes)
	} else {
		w.Map(3)
	}
	w.BulkString("flags")
	WriteKeyFlags(w, ks.Flags)

	w.BulkString("begin_search")
	w.Map(2)
	w.BulkString("type")
	switch bs := &ks.BeginSearch; bs.Kind {
	case SearchIndex:
		w.BulkString("index")
		w.BulkString("spec")
		w.Map(1)
		w.BulkString("index")
		w.Int(int64(bs.Pos))
	case SearchKeyword:
		w.BulkString("keyword")
		w.BulkString("spec")
		w.Map(2)
		w.BulkString("keyword")
		w.BulkString(bs.Keyword)
		w.BulkString("startfrom")
		w.Int(int64(bs.StartFrom))
	default:
		w.BulkString("unknown")
		w.BulkString("spec")
		w.Map(0)
	}

	w.BulkString("find_keys")
	w.Map(2)
	w.BulkString("type")
	switch fk := &ks.FindKeys; fk.Kind {
	case FindRange:
		w.BulkString("range")
		w.BulkString("spec")
		w.Map(3)
		w.BulkString("lastkey")
		w.Int(int64(fk.LastKey))
		w.BulkString("keystep")
		w.Int(int64(fk.KeyStep))
		w.BulkString("limit")
		w.Int(int64(fk.Limit))
	case FindKeynum:
		w.BulkString("keynum")
		w.BulkString("spec")
		w.Map(3)
		w.BulkString("keynumidx")
		w.Int(int64(fk.KeyNumIdx))
		w.BulkString("firstkey")
		w.Int(int64(fk.FirstKey))
		w.BulkString("keystep")
		w.Int(int64(fk.KeyStep))
	default:
		w.BulkString("unknown")
		w.BulkString("spec")
		w.Map(0)
	}
}

// WriteDocs writes s's COMMAND DOCS value: the map of summary, since,
// group, complexity, doc_flags, deprecated_since, replaced_by, history,
// arguments and subcommands (keyed by full name), each present only when
// Valkey prints it. The caller writes the command's name before it.
func WriteDocs(w *resp.Writer, s *Spec) {
	n := 1 // group is always there
	for _, present := range [...]bool{
		s.Summary != "", s.Since != "", s.Complexity != "", s.DocFlags != 0,
		s.DeprecatedSince != "", s.ReplacedBy != "", len(s.History) > 0,
		len(s.Arguments) > 0, len(s.Subcommands) > 0,
	} {
		if present {
			n++
		}
	}
	w.Map(n)
	if s.Summary != "" {
		w.BulkString("summary")
		w.BulkString(s.Summary)
	}
	if s.Since != "" {
		w.BulkString("since")
		w.BulkString(s.Since)
	}
	w.BulkString("group")
	w.BulkString(s.Group)
	if s.Complexity != "" {
		w.BulkString("complexity")
		w.BulkString(s.Complexity)
	}
	if s.DocFlags != 0 {
		w.BulkString("doc_flags")
		w.Set(bits.OnesCount8(uint8(s.DocFlags)))
		for i, name := range docFlagNames {
			if s.DocFlags&(1<<i) != 0 {
				w.Simple(name)
			}
		}
	}
	if s.DeprecatedSince != "" {
		w.BulkString("deprecated_since")
		w.BulkString(s.DeprecatedSince)
	}
	if s.ReplacedBy != "" {
		w.BulkString("replaced_by")
		w.BulkString(s.ReplacedBy)
	}
	if len(s.History) > 0 {
		w.BulkString("history")
		w.Set(len(s.History))
		for _, h := range s.History {
			w.Array(2)
			w.BulkString(h[0])
			w.BulkString(h[1])
		}
	}
	if len(s.Arguments) > 0 {
		w.BulkString("arguments")
		writeArgs(w, s.Arguments)
	}
	if len(s.Subcommands) > 0 {
		w.BulkString("subcommands")
		w.Map(len(s.Subcommands))
		for _, sub := range s.Subcommands {
			w.BulkString(sub.Name)
			WriteDocs(w, sub)
		}
	}
}

func writeArgs(w *resp.Writer, args []Arg) {
	w.Array(len(args))
	for i := range args {
		a := &args[i]
		nested := a.Type == ArgOneOf || a.Type == ArgBlock
		n := 3 // name, type, and display_text or arguments
		for _, present := range [...]bool{
			a.KeySpecIndex >= 0, a.Token != "" || a.EmptyToken, a.Summary != "", a.Since != "",
			a.DeprecatedSince != "", a.Flags != 0,
		} {
			if present {
				n++
			}
		}
		w.Map(n)
		w.BulkString("name")
		w.BulkString(a.Name)
		w.BulkString("type")
		w.BulkString(a.Type.String())
		if !nested {
			w.BulkString("display_text")
			if a.DisplayText != "" {
				w.BulkString(a.DisplayText)
			} else {
				w.BulkString(a.Name)
			}
		}
		if a.KeySpecIndex >= 0 {
			w.BulkString("key_spec_index")
			w.Int(int64(a.KeySpecIndex))
		}
		if a.Token != "" || a.EmptyToken {
			w.BulkString("token")
			w.BulkString(a.Token)
		}
		if a.Summary != "" {
			w.BulkString("summary")
			w.BulkString(a.Summary)
		}
		if a.Since != "" {
			w.BulkString("since")
			w.BulkString(a.Since)
		}
		if a.DeprecatedSince != "" {
			w.BulkString("deprecated_since")
			w.BulkString(a.DeprecatedSince)
		}
		if a.Flags != 0 {
			w.BulkString("flags")
			w.Set(bits.OnesCount8(uint8(a.Flags)))
			for j, name := range argFlagNames {
				if a.Flags&(1<<j) != 0 {
					w.Simple(name)
				}
			}
		}
		if nested {
			w.BulkString("arguments")
			writeArgs(w, a.Subargs)
		}
	}
}

// GetKeys answers COMMAND GETKEYS (withFlags false) or COMMAND
// GETKEYSANDFLAGS (true); args is the command to inspect, name first.
func GetKeys(w *resp.Writer, args [][]byte, withFlags bool) {
	s := LookupArgs(args)
	switch {
	case s == nil:
		w.Error(MsgInvalidCommand)
		return
	case !s.HasKeys():
		w.Error(MsgNoKeyArguments)
		return
	case !s.CheckArity(len(args)):
		w.Error(MsgInvalidArgCount)
		return
	}
	var buf [16]KeyPos
	keys, err := s.KeyIndexes(args, buf[:0])
	if err != nil {
		w.Error(MsgInvalidArguments)
		return
	}
	w.Array(len(keys))
	for _, k := range keys {
		if withFlags {
			w.Array(2)
			w.Bulk(args[k.Pos])
			WriteKeyFlags(w, k.Flags)
		} else {
			w.Bulk(args[k.Pos])
		}
	}
}

// ListFilter selects the commands of COMMAND LIST FILTERBY.
type ListFilter struct {
	By  ListBy
	Arg []byte // module name, ACL category (no "@") or glob pattern
}

// ListBy is the kind of COMMAND LIST filter.
type ListBy uint8

// COMMAND LIST filters.
const (
	ListAll     ListBy = iota // no filter
	ListModule                // FILTERBY MODULE: no modules yet, so never matches
	ListACLCat                // FILTERBY ACLCAT: an unknown category matches nothing
	ListPattern               // FILTERBY PATTERN: glob on the full name, any case
)

// List returns the full names COMMAND LIST replies with: every command
// followed by its subcommands, sorted, keeping those the filter selects.
func List(f ListFilter) []string {
	var cat Category
	if f.By == ListACLCat {
		cat = CategoryByName(f.Arg)
	}
	keep := func(s *Spec) bool {
		switch f.By {
		case ListModule:
			return false
		case ListACLCat:
			return s.Categories&cat != 0
		case ListPattern:
			return glob.Match(f.Arg, []byte(s.Name), true)
		}
		return true
	}
	var out []string
	for _, s := range commands {
		if keep(s) {
			out = append(out, s.Name)
		}
		for _, sub := range s.Subcommands {
			if keep(sub) {
				out = append(out, sub.Name)
			}
		}
	}
	return out
}
