package server

import (
	"testing"
	"time"

	"petrel/internal/errs"
)

func TestBlockTimeout(t *testing.T) {
	now := time.UnixMilli(1_700_000_000_000)
	c := &Ctx{Now: now}
	base := now.UnixMilli()
	for _, tc := range []struct {
		arg  string
		want int64 // ms after now; 0: forever
		err  error
	}{
		{"0", 0, nil},
		{"0.0", 0, nil},
		{"-0", 0, nil},
		{"1", 1000, nil},
		{"0.1", 100, nil},
		{"0.0001", 1, nil}, // rounded up to a millisecond
		{"1.0005", 1001, nil},
		{"1e-400", 1, nil}, // a long double holds it: 1 ms
		{"-1e-400", 0, nil},
		{"0x10", 16000, nil}, // strtold reads hex
		{"0x1p-1", 500, nil},
		{"+2", 2000, nil},
		{"1e3", 1000000, nil},
		{"-1", 0, errs.TimeoutNegative},
		{"-0.0011", 0, errs.TimeoutNegative},
		{"-inf", 0, errs.TimeoutNegative},
		{"inf", 0, errs.TimeoutRange},
		{"Infinity", 0, errs.TimeoutRange},
		{"1e400", 0, errs.TimeoutRange},
		{"9223372036854775807", 0, errs.TimeoutRange},
		{"1e5000", 0, errs.TimeoutNotFloat},
		{"nan", 0, errs.TimeoutNotFloat},
		{"abc", 0, errs.TimeoutNotFloat},
		{"", 0, errs.TimeoutNotFloat},
		{" 1", 0, errs.TimeoutNotFloat},
		{"1 ", 0, errs.TimeoutNotFloat},
		{"1_000", 0, errs.TimeoutNotFloat},
		{"0b1", 0, errs.TimeoutNotFloat},
	} {
		got, err := c.BlockTimeout([]byte(tc.arg), false)
		if err != tc.err {
			t.Fatalf("%q: error %v, want %v", tc.arg, err, tc.err)
		}
		if err == nil {
			want := tc.want
			if want != 0 {
				want += base
			}
			if got != want {
				t.Fatalf("%q: deadline %d, want %d", tc.arg, got-base, tc.want)
			}
		}
	}
	// Milliseconds (XREAD BLOCK).
	if got, err := c.BlockTimeout([]byte("250"), true); err != nil || got != base+250 {
		t.Fatalf("250 ms: %d %v", got-base, err)
	}
	if _, err := c.BlockTimeout([]byte("1.5"), true); err != errs.Timeout {
		t.Fatalf("1.5 ms: %v", err)
	}
	if _, err := c.BlockTimeout([]byte("-1"), true); err != errs.TimeoutNegative {
		t.Fatalf("-1 ms: %v", err)
	}
}
