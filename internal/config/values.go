package config

import (
	"net/netip"
	"strconv"
	"strings"
)

// This file turns directive arguments into typed values and back: parse
// checks and converts (no side effects), format prints a value as CONFIG GET
// does. Values are stored as:
//
//	Bool     bool
//	String   string
//	Enum     int64 (the item's Value; OR-ed items for bit-flag enums)
//	Int      int64 (unsigned C types wrap: math.MaxUint64 is -1; a
//	         percentage is stored negated, as Valkey does)
//	Special  the type its specialOps uses (SavePoint slices, ...)

// loadBufSize is the size of the C buffer Valkey formats some reasons
// into; longer reasons are cut to one byte less.
const loadBufSize = 256

// parse converts arguments into a value for d. old is the current value
// (nil when the table's default is parsed) for directives that update
// part of their value; appendSave is set while a config file adds save
// points to those already read.
func (d *Directive) parse(c *Config, old any, args []string, appendSave bool) (any, error) {
	var v any
	var err error
	switch d.Type {
	case Special:
		return d.sp.parse(c, old, args, appendSave)
	case Bool:
		v, err = parseYesNo(args[0])
	case String:
		v = args[0]
	case Enum:
		v, err = d.parseEnum(args)
	case Int:
		v, err = d.parseInt(args[0])
	}
	if err != nil {
		return nil, err
	}
	if d.validate != nil {
		if err := d.validate(c, v); err != nil {
			return nil, err
		}
	}
	if d.clamp != nil {
		v = d.clamp(v.(int64))
	}
	return v, nil
}

// format prints v as CONFIG GET does.
func (d *Directive) format(v any) string {
	switch d.Type {
	case Special:
		return d.sp.format(v)
	case Bool:
		if v.(bool) {
			return "yes"
		}
		return "no"
	case String:
		return v.(string)
	case Enum:
		return d.enumName(v.(int64))
	default:
		return d.formatInt(v.(int64))
	}
}

func parseYesNo(s string) (bool, error) {
	switch {
	case strings.EqualFold(s, "yes"):
		return true, nil
	case strings.EqualFold(s, "no"):
		return false, nil
	}
	return false, errYesNo
}

func (d *Directive) parseEnum(args []string) (int64, error) {
	if len(args) == 0 || (!d.bitflags && len(args) != 1) {
		return 0, d.enumError()
	}
	var v int64
	for _, a := range args {
		found := false
		for _, it := range d.Enum {
			if strings.EqualFold(a, it.Name) {
				v |= it.Value
				found = true
			}
		}
		if !found {
			return 0, d.enumError()
		}
	}
	return v, nil
}

func (d *Directive) enumError() error {
	var b strings.Builder
	b.WriteString(enumErrorPrefix)
	for i, it := range d.Enum {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(it.Name)
	}
	s := b.String()
	if len(s) >= loadBufSize {
		s = s[:loadBufSize-1]
	}
	return reason(s)
}

// enumName is Valkey's configEnumGetName: the first item with exactly
// this value, else (bit-flag enums) the names of the items it contains.
func (d *Directive) enumName(v int64) string {
	var names []string
	rest := v
	for _, it := range d.Enum {
		if it.Value == v {
			return it.Name
		}
		if d.bitflags && it.Value != 0 && rest&it.Value == it.Value {
			names = append(names, it.Name)
			rest &^= it.Value
		}
	}
	if len(names) == 0 || rest != 0 {
		return "unknown"
	}
	return strings.Join(names, " ")
}

// parseInt parses a numeric directive's text and checks its bounds, with
// Valkey's rules: memory units first, then a percentage, then octal, and a
// plain integer only for directives with none of those forms.
func (d *Directive) parseInt(s string) (int64, error) {
	v, ok := int64(0), false
	if d.num&memoryNum != 0 {
		var u uint64
		u, ok = parseMemory(s)
		v = int64(u)
	}
	if !ok && d.num&percentNum != 0 && len(s) > 1 && s[len(s)-1] == '%' {
		if p, pok := parseStrictInt(s[:len(s)-1]); pok && p >= 0 {
			v, ok = -p, true
		}
	}
	if !ok && d.num&octalNum != 0 {
		if o, whole, overflow := cStrtoll(s, 8); whole && !overflow {
			v, ok = o, true
		}
	}
	if !ok && d.num == 0 {
		v, ok = parseStrictInt(s)
	}
	if !ok {
		switch {
		case d.num&memoryNum != 0 && d.num&percentNum != 0:
			return 0, errNotMemOrPct
		case d.num&memoryNum != 0:
			return 0, errNotMemory
		case d.num&octalNum != 0:
			return 0, errNotOctal
		}
		return 0, errNotInteger
	}
	return v, d.checkBounds(v)
}

func (d *Directive) checkBounds(v int64) error {
	if d.Unsigned {
		u, lo, hi := uint64(v), uint64(d.Min), uint64(d.Max)
		if u > hi || u < lo {
			if d.num&octalNum != 0 {
				return errBetween(strconv.FormatUint(lo, 8), strconv.FormatUint(hi, 8))
			}
			return errBetween(strconv.FormatUint(lo, 10), strconv.FormatUint(hi, 10))
		}
		return nil
	}
	if d.num&percentNum != 0 && v < 0 {
		if v < d.Min {
			return errPercentAtMost(-d.Min)
		}
		return nil
	}
	if v > d.Max || v < d.Min {
		return errBetween(strconv.FormatInt(d.Min, 10), strconv.FormatInt(d.Max, 10))
	}
	return nil
}

func (d *Directive) formatInt(v int64) string {
	switch {
	case d.num&percentNum != 0 && v < 0:
		return strconv.FormatInt(-v, 10) + "%"
	case d.num&memoryNum != 0:
		return strconv.FormatUint(uint64(v), 10)
	case d.num&octalNum != 0:
		return strconv.FormatUint(uint64(v), 8)
	}
	return strconv.FormatInt(v, 10)
}

// Validators, one per Valkey is_valid function.

func notEmpty(why reason) func(*Config, any) error {
	return func(_ *Config, v any) error {
		if v.(string) == "" {
			return why
		}
		return nil
	}
}

// baseName refuses empty values and paths, for file names that live in dir.
func baseName(name, what string) func(*Config, any) error {
	return func(_ *Config, v any) error {
		s := v.(string)
		if s == "" {
			return errEmptyName(name)
		}
		if strings.ContainsAny(s, `/\`) {
			return errNotBaseName(name, what)
		}
		return nil
	}
}

func validIPv4(_ *Config, v any) error {
	s := v.(string)
	if s == "" {
		return nil
	}
	if a, err := netip.ParseAddr(s); err != nil || !a.Is4() {
		return errBadIPv4
	}
	return nil
}

func validIPv6(_ *Config, v any) error {
	s := v.(string)
	if s == "" {
		return nil
	}
	if a, err := netip.ParseAddr(s); err != nil || !a.Is6() || a.Zone() != "" {
		return errBadIPv6
	}
	return nil
}

func validHostname(_ *Config, v any) error {
	s := v.(string)
	if len(s) >= 256 {
		return errHostnameLen
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && c != '-' && c != '.' {
			return errHostnameChar
		}
	}
	return nil
}

// validNodename is Valkey's isValidAuxString.
func validNodename(_ *Config, v any) error {
	s := v.(string)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == 0 || (!isAlnum(c) && strings.IndexByte("!#$%&()*+;<>?@[]^{|}~", c) >= 0) {
			return errBadNodename
		}
	}
	return nil
}

func isAlnum(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func validShutdownFlags(_ *Config, v any) error {
	f := v.(int64)
	if f&ShutdownSave != 0 && f&ShutdownNoSave != 0 {
		return errSaveNoSave
	}
	return nil
}

// validProcTitle expands the template as Valkey's validateProcTitleTemplate
// does (with an empty title): every {variable} must be known and the
// result, trimmed of spaces, must not be empty. "{{" is a literal '{'.
func validProcTitle(c *Config, v any) error {
	s := v.(string)
	var out strings.Builder
	for len(s) > 0 {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			out.WriteString(s)
			break
		}
		out.WriteString(s[:i])
		s = s[i+1:]
		if s == "" {
			return errBadTemplate
		}
		if s[0] == '{' {
			out.WriteByte('{')
			s = s[1:]
			continue
		}
		j := strings.IndexByte(s, '}')
		if j < 0 {
			return errBadTemplate
		}
		val, ok := c.procTitleVar(s[:j])
		if !ok {
			return errBadTemplate
		}
		out.WriteString(val)
		s = s[j+1:]
	}
	if strings.Trim(out.String(), " ") == "" {
		return errBadTemplate
	}
	return nil
}

// procTitleVar gives the value of a proc-title-template variable, for
// validation: only whether it is empty matters.
func (c *Config) procTitleVar(name string) (string, bool) {
	switch name {
	case "title":
		return "", true
	case "listen-addr", "port", "tls-port", "config-file":
		return "x", true // never empty in Valkey
	case "server-mode":
		if c != nil && c.valueLocked(lookupIndex("cluster-enabled")).(bool) {
			return "[cluster]", true
		}
		return "", true
	case "unixsocket":
		if c == nil {
			return "", true
		}
		return c.valueLocked(lookupIndex("unixsocket")).(string), true
	}
	return "", false
}

func noRDMA(*Config) error { return errNoRDMA }
