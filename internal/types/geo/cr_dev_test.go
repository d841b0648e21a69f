package geo

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestDevCompareLibm(t *testing.T) {
	in, _ := os.ReadFile("/tmp/geocmp/in.txt")
	out, _ := os.Open("/tmp/geocmp/out.txt")
	xs := strings.Fields(string(in))
	sc := bufio.NewScanner(out)
	sc.Scan()
	mism := [5]int{}
	shown := 0
	for i := 0; sc.Scan(); i++ {
		parts := strings.Fields(sc.Text())
		x, _ := strconv.ParseFloat(xs[i], 64)
		a := x
		if a > 1 || a < -1 {
			a = 0.5
		}
		g := [5]float64{sin(x), cos(x), asin(a), math.Sqrt(math.Abs(x)), atan2(x, 0.7)}
		for k := 0; k < 5; k++ {
			v, _ := strconv.ParseUint(parts[k], 16, 64)
			if v != math.Float64bits(g[k]) {
				mism[k]++
				if shown < 10 {
					shown++
					fmt.Println(k, x, math.Float64frombits(v), g[k])
				}
			}
		}
	}
	fmt.Println(mism)
}
