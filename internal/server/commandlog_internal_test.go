package server

import (
	"strings"
	"testing"
	"time"
)

// The command path records nothing in the common case and must not
// allocate doing so.
func TestAfterCommandDoesNotAllocate(t *testing.T) {
	s := New(DefaultSettings())
	defer s.Close()
	spec := s.reg.cmds["get"].spec
	args := [][]byte{[]byte("GET"), []byte("key")}
	s.afterCommand(nil, spec, args, time.Now(), time.Microsecond, 5) // builds the histogram map
	n := testing.AllocsPerRun(1000, func() {
		s.afterCommand(nil, spec, args, time.Now(), 3*time.Microsecond, 5)
	})
	if n != 0 {
		t.Fatalf("afterCommand allocates %v times per call", n)
	}
}

// The histogram buckets are the values Valkey's HDR histogram prints.
func TestHistogramLabels(t *testing.T) {
	want := []int64{1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056, 2113, 4227, 8454, 16908, 33816, 67633, 135266, 270532, 541065, 1073741}
	for k, w := range want {
		if histLabel[k] != w {
			t.Errorf("bucket %d: %d, want %d", k, histLabel[k], w)
		}
	}
	var h cmdHist
	for _, us := range []int64{0, 1, 2, 3, 33, 34, 541065, 541066, 5_000_000} {
		h.record(us)
	}
	counts := map[int64]int64{}
	for k := range h.buckets {
		if n := h.buckets[k].Load(); n > 0 {
			counts[histLabel[k]] = n
		}
	}
	wantCounts := map[int64]int64{1: 2, 2: 1, 4: 1, 33: 1, 66: 1, 541065: 1, 1073741: 2}
	for l, n := range wantCounts {
		if counts[l] != n {
			t.Errorf("bucket %d holds %d, want %d (all: %v)", l, counts[l], n, counts)
		}
	}
}

func TestSparkline(t *testing.T) {
	ts := &latencySeries{max: 10}
	ts.samples[0] = latencySample{time: 1000, latency: 10}
	ts.idx = 1
	got := latencyGraph("command", ts, 1001)
	want := "command - high 10 ms, low 10 ms (all time high 10 ms)\n" + strings.Repeat("-", 80) + "\n \n \n \n_\n \n1\ns\n"
	if got != want {
		t.Errorf("graph:\n%q\nwant\n%q", got, want)
	}
}

func TestRequestBytes(t *testing.T) {
	args := [][]byte{[]byte("SET"), []byte("k"), make([]byte, 1000)}
	// *3\r\n $3\r\nSET\r\n $1\r\nk\r\n $1000\r\n...\r\n
	if got, want := requestBytes(args), int64(4+9+7+(7+1000+2)); got != want {
		t.Errorf("requestBytes = %d, want %d", got, want)
	}
}

func TestCStrtod(t *testing.T) {
	for in, want := range map[string]float64{"0.5": 0.5, "abc": 0, "1e1x": 10, " 2": 2, "-1.5": -1.5, ".5": 0.5, "1e": 1, "": 0} {
		if got := cStrtod([]byte(in)); got != want {
			t.Errorf("cStrtod(%q) = %v, want %v", in, got, want)
		}
	}
}
