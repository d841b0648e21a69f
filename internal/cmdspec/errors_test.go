package cmdspec

import "testing"

type errorCase struct {
	Args  []string `json:"args"`
	Reply string   `json:"reply"`
}

// TestDispatchErrors compares the unknown command, unknown subcommand and
// arity errors with Valkey's replies, going through the lookup the way
// the dispatcher will.
func TestDispatchErrors(t *testing.T) {
	for _, c := range loadCases[errorCase](t, "testdata/errors.json") {
		args := byteArgs(c.Args)
		w := writer(2)
		switch s := LookupArgs(args); {
		case s == nil:
			w.Error(UnknownCommandError(args))
		case !s.CheckArity(len(args)):
			w.Error(ArityError(s))
		default:
			t.Errorf("%q: no error", c.Args)
			continue
		}
		if got := string(w.Buf); got != c.Reply {
			t.Errorf("%q:\n got %q\nwant %q", c.Args, got, c.Reply)
		}
	}
}

func TestSubcommandSyntaxError(t *testing.T) {
	got := SubcommandSyntaxError(byteArgs([]string{"client", "nope\r\n"}))
	want := "ERR unknown subcommand or wrong number of arguments for 'nope  '. Try CLIENT HELP."
	if got != want {
		t.Errorf("got %q", got)
	}
}
