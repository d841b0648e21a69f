package num

import (
	"math"
	"testing"
)

// Expected strings were read from Valkey 9.0.4 (ZADD then RESP3 ZSCORE).
func TestAppendDoubleMatchesValkey(t *testing.T) {
	cases := map[float64]string{
		3.14:                  "3.14",
		1e300:                 "1e+300",
		0.1:                   "0.1",
		1.5e-7:                "1.5e-7",
		123456789012345678:    "123456789012345680",
		1e21:                  "1e+21",
		0.000001:              "0.000001",
		1234567.125:           "1234567.125",
		-2.5e-300:             "-2.5e-300",
		4611686018427387904:   "4611686018427387904",
		1e17:                  "100000000000000000",
		100000000000000000000: "1e+20",
		math.Inf(1):           "inf",
		math.Inf(-1):          "-inf",
		0:                     "0",
		-5:                    "-5",
	}
	for f, want := range cases {
		if got := string(AppendDouble(nil, f)); got != want {
			t.Errorf("%v: got %q want %q", f, got, want)
		}
	}
	if got := string(AppendDouble(nil, math.Copysign(0, -1))); got != "-0" {
		t.Errorf("-0: got %q", got)
	}
	if got := string(AppendDouble(nil, math.NaN())); got != "nan" {
		t.Errorf("nan: got %q", got)
	}
}

func TestParseInt(t *testing.T) {
	good := map[string]int64{"0": 0, "-1": -1, "9223372036854775807": math.MaxInt64, "-9223372036854775808": math.MinInt64, "42": 42}
	for s, want := range good {
		if got, ok := ParseInt([]byte(s)); !ok || got != want {
			t.Errorf("%q: %v %v", s, got, ok)
		}
	}
	for _, s := range []string{"", "-", "+1", "01", "-0", " 1", "1 ", "9223372036854775808", "-9223372036854775809", "99999999999999999999", "1a"} {
		if _, ok := ParseInt([]byte(s)); ok {
			t.Errorf("%q accepted", s)
		}
	}
}
