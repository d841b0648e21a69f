package main

import (
	"bufio"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"strings"

	"petrel/internal/types/geo"
)

func db(f float64) string { return fmt.Sprintf("%x", math.Float64bits(f)) }

func main() {
	r := rand.New(rand.NewSource(42))
	var in strings.Builder
	var want []string
	lon := func() float64 { return r.Float64()*360 - 180 }
	lat := func() float64 { return r.Float64()*170.1 - 85.05 }
	for i := 0; i < 20000; i++ {
		x, y := lon(), lat()
		fmt.Fprintf(&in, "E %.17g %.17g\n", x, y)
		s := uint64(geo.Score(x, y))
		a, b, _ := geo.DecodeScore(float64(s))
		want = append(want, fmt.Sprintf("%x %s %s", s, db(a), db(b)))
	}
	pr := func(ar geo.Areas, s *geo.Shape) string {
		var sb strings.Builder
		for _, h := range ar.Cells() {
			fmt.Fprintf(&sb, "%x:%d ", h.Bits, h.Step)
		}
		fmt.Fprintf(&sb, "| %s %s %s %s | %s %s", db(s.Bounds[0]), db(s.Bounds[1]), db(s.Bounds[2]), db(s.Bounds[3]), db(s.Lon), db(s.Lat))
		return sb.String()
	}
	for i := 0; i < 20000; i++ {
		x, y := lon(), lat()
		rad := math.Pow(10, r.Float64()*8-1)
		conv := []float64{1, 1000, 0.3048, 1609.34}[r.Intn(4)]
		fmt.Fprintf(&in, "C %.17g %.17g %.17g %.17g\n", x, y, rad, conv)
		s := geo.Shape{Kind: geo.Circle, Lon: x, Lat: y, Radius: rad, Conversion: conv}
		want = append(want, pr(s.Areas(), &s))
		w, h := math.Pow(10, r.Float64()*8-1), math.Pow(10, r.Float64()*8-1)
		fmt.Fprintf(&in, "R %.17g %.17g %.17g %.17g %.17g\n", x, y, w, h, conv)
		s = geo.Shape{Kind: geo.Rectangle, Lon: x, Lat: y, Width: w, Height: h, Conversion: conv}
		want = append(want, pr(s.Areas(), &s))
		n := 3 + r.Intn(5)
		cx, cy := lon(), r.Float64()*140-70
		sp := math.Pow(10, r.Float64()*2-1)
		var vs [][2]float64
		fmt.Fprintf(&in, "P %d", n)
		for k := 0; k < n; k++ {
			vx := math.Max(-180, math.Min(180, cx+(r.Float64()-0.5)*sp))
			vy := math.Max(-85, math.Min(85, cy+(r.Float64()-0.5)*sp))
			vs = append(vs, [2]float64{vx, vy})
			fmt.Fprintf(&in, " %.17g %.17g", vx, vy)
		}
		fmt.Fprintln(&in)
		s = geo.Shape{Kind: geo.Polygon, Vertices: vs, Conversion: 1}
		want = append(want, pr(s.Areas(), &s))
		x2, y2 := lon(), lat()
		fmt.Fprintf(&in, "D %.17g %.17g %.17g %.17g\n", x, y, x2, y2)
		want = append(want, db(geo.Distance(x, y, x2, y2)))
	}
	cmd := exec.Command("/tmp/geocmp/harness")
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		panic(err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	lines := strings.Split(in.String(), "\n")
	i := 0
	bad := map[byte]int{}
	for sc.Scan() {
		if a, b := sc.Text(), want[i]; a != b && strings.Contains(a, "|") && strings.Split(a, "|")[0] != strings.Split(b, "|")[0] {
			bad['X']++
			fmt.Println("CELLS", lines[i])
		}
		if sc.Text() != want[i] {
			bad[lines[i][0]]++
			if bad[lines[i][0]] <= 0 {
				fmt.Printf("MISMATCH %s\n C: %s\nGo: %s\n", lines[i], sc.Text(), want[i])
			}
		}
		i++
	}
	fmt.Println("checked", i, "mismatches", bad)
	_ = os.Stdout
}
