package scripting

import (
	"regexp"
	"strings"
)

// gopher-lua words some runtime errors differently from Lua 5.1, whose
// texts Valkey's clients and tests see. lua51Message rewrites the common
// ones. Lua 5.1 also names the variable ("attempt to index local 'x' (a
// nil value)"); gopher-lua does not know it, so the rewrite gives the
// anonymous form Lua uses when it cannot tell ("attempt to index a nil
// value").
var messageRewrites = []struct {
	re   *regexp.Regexp
	repl func(m []string) string
}{
	{regexp.MustCompile(`attempt to index a non-table object\((\w+)\) with key '[^']*'`),
		func(m []string) string { return "attempt to index a " + m[1] + " value" }},
	{regexp.MustCompile(`attempt to call a non-function object`),
		func(m []string) string { return "attempt to call a nil value" }},
	{regexp.MustCompile(`cannot perform concat operation between (\w+) and (\w+)`),
		func(m []string) string { return "attempt to concatenate a " + notString(m[1], m[2]) + " value" }},
	{regexp.MustCompile(`cannot perform \w+ operation between (\w+) and (\w+)`),
		func(m []string) string {
			return "attempt to perform arithmetic on a " + notNumber(m[1], m[2]) + " value"
		}},
	{regexp.MustCompile(`__unm undefined`),
		func(m []string) string { return "attempt to perform arithmetic on a nil value" }},
	{regexp.MustCompile(`__len undefined`),
		func(m []string) string { return "attempt to get length of a nil value" }},
	{regexp.MustCompile(`bad argument #(\d+) to (\w+) \(`),
		func(m []string) string { return "bad argument #" + m[1] + " to '" + m[2] + "' (" }},
	{regexp.MustCompile(`for statement (init|limit|step) must be a number`),
		func(m []string) string {
			return map[string]string{"init": "'for' initial value must be a number",
				"limit": "'for' limit must be a number", "step": "'for' step must be a number"}[m[1]]
		}},
}

// notNumber picks the operand that made arithmetic fail (Lua reports the
// second one when both are wrong... and the first non-number otherwise).
func notNumber(a, b string) string {
	if a != "number" && a != "string" {
		return a
	}
	return b
}

func notString(a, b string) string {
	if a != "number" && a != "string" {
		return a
	}
	return b
}

func lua51Message(s string) string {
	if !strings.Contains(s, "attempt") && !strings.Contains(s, "cannot perform") &&
		!strings.Contains(s, "bad argument") && !strings.Contains(s, "undefined") &&
		!strings.Contains(s, "for statement") {
		return s
	}
	for _, r := range messageRewrites {
		s = r.re.ReplaceAllStringFunc(s, func(m string) string {
			return r.repl(r.re.FindStringSubmatch(m))
		})
	}
	return s
}
