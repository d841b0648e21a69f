package server

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"petrel/internal/errs"
	"petrel/internal/num"
)

// LOLWUT [VERSION v] [args...]: computer art and the version. As in
// Valkey, the version picks the piece: 9 (the default) draws a Julia set
// in ASCII, 5 squares falling into disorder after Georg Nees' "Schotter"
// (1968), 6 a city skyline; any other version prints the version line
// alone. The drawings are Petrel's own; the Julia set, being mathematics,
// comes out character for character as Valkey's for the same constants.

func cmdLolwut(c *Ctx) {
	args := c.Args
	ver := ValkeyVersion
	if c.Srv.Settings().ExtendedRedisCompat {
		ver = RedisVersion
	}
	v := ver
	if len(args) >= 3 && EqualFold(args[1], "version") {
		n, ok := num.ParseInt(args[2])
		if !ok {
			c.Error(errs.NotInteger)
			return
		}
		v = strconv.FormatUint(uint64(uint32(n)), 10) + ".0.0"
		args = append(args[:1:1], args[3:]...)
	}
	product := "Valkey"
	if c.Srv.Settings().ExtendedRedisCompat {
		product = "Redis"
	}
	signature := product + " ver. " + ver + "\n"
	var out string
	var err error
	switch {
	case (v[0] == '5' && v[1] == '.' && v[2] != '9') || (v[0] == '4' && v[1] == '.' && v[2] == '9'):
		out, err = lolwutSchotter(args)
		out += "\nGeorg Nees - schotter, plotter on paper, 1968. " + signature
	case (v[0] == '6' && v[1] == '.' && v[2] != '9') || (v[0] == '5' && v[1] == '.' && v[2] == '9'):
		out, err = lolwutSkyline(args)
		out += "\nDedicated to the 8 bit game developers of past and present.\n" + signature
	case v[0] == '9':
		out, err = lolwutJulia(args)
		out += "Don't forget to have fun! " + signature
	default:
		out = product + " ver." + ver + "\n"
	}
	if err != nil {
		c.Error(err)
		return
	}
	c.W.Verbatim("txt", []byte(out))
}

// longArgs parses the optional integer arguments of a drawing into dst.
func longArgs(args [][]byte, dst ...*int64) error {
	for i, p := range dst {
		if len(args) > i+1 {
			n, ok := num.ParseInt(args[i+1])
			if !ok {
				return errs.NotInteger
			}
			*p = n
		}
	}
	return nil
}

func clampInt(v, lo, hi int64) int64 { return max(lo, min(v, hi)) }

// lolwutJulia draws a Julia set: LOLWUT [columns rows] [real imaginary].
func lolwutJulia(args [][]byte) (string, error) {
	if argc := len(args); argc == 2 || argc == 4 || argc > 5 {
		return "", errs.LolwutSyntax
	}
	cols, rows := int64(80), int64(40)
	if err := longArgs(args, &cols, &rows); err != nil {
		return "", err
	}
	cols, rows = clampInt(cols, 1, 160), clampInt(rows, 1, 80)
	var cr, ci float32
	if len(args) == 5 {
		r, ok1 := ParseFloat(args[3])
		i, ok2 := ParseFloat(args[4])
		if !ok1 || !ok2 {
			return "", errs.NotFloat
		}
		cr, ci = float32(r), float32(i)
	} else {
		cr, ci = rand.Float32()*2-1, rand.Float32()*2-1
	}
	const shades = " .:-=+*%#&@"
	var b strings.Builder
	for i := int64(0); i < rows; i++ {
		for j := int64(0); j < cols; j++ {
			// The cell's centre, in [-2, 2] on both axes (float32 as Valkey).
			x := float32(-2) + float32(float32(4)*(float32(j)+0.5))/float32(cols)
			y := float32(2) - float32(float32(4)*(float32(i)+0.5))/float32(rows)
			b.WriteByte(shades[juliaEscape(x, y, cr, ci, len(shades))])
		}
		b.WriteByte('\n')
	}
	b.WriteString("Ascii representation of Julia set with constant " +
		strconv.FormatFloat(float64(cr), 'f', 2, 64) + " + " + strconv.FormatFloat(float64(ci), 'f', 2, 64) + "i\n")
	return b.String(), nil
}

// juliaEscape iterates z -> z² + c from z = x+iy and returns the step at
// which |z| exceeds 2, or limit-1 if it stays bounded.
func juliaEscape(x, y, cr, ci float32, limit int) int {
	for i := 0; i < limit; i++ {
		nx := float32(float32(x*x)-float32(y*y)) + cr
		ny := float32(float32(2*x)*y) + ci
		x, y = nx, ny
		if float32(x*x)+float32(y*y) > 4 {
			return i
		}
	}
	return limit - 1
}

// canvas is a 1-bit drawing surface printed with braille characters, each
// covering 2x4 pixels.
type canvas struct {
	w, h int
	px   []bool
}

func newCanvas(w, h int) *canvas { return &canvas{w: w, h: h, px: make([]bool, w*h)} }

func (cv *canvas) set(x, y int) {
	if x >= 0 && y >= 0 && x < cv.w && y < cv.h {
		cv.px[y*cv.w+x] = true
	}
}

func (cv *canvas) get(x, y int) bool {
	return x >= 0 && y >= 0 && x < cv.w && y < cv.h && cv.px[y*cv.w+x]
}

// line draws a segment with Bresenham's algorithm.
func (cv *canvas) line(x0, y0, x1, y1 int) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := 1, 1
	if x0 > x1 {
		sx = -1
	}
	if y0 > y1 {
		sy = -1
	}
	e := dx + dy
	for {
		cv.set(x0, y0)
		if x0 == x1 && y0 == y1 {
			return
		}
		if e2 := 2 * e; e2 >= dy {
			e += dy
			x0 += sx
		} else {
			e += dx
			y0 += sy
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// braille dot bits of a cell's pixels, indexed [y][x].
var brailleDots = [4][2]rune{{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}}

func (cv *canvas) render() string {
	var b strings.Builder
	for y := 0; y < cv.h; y += 4 {
		for x := 0; x < cv.w; x += 2 {
			r := rune(0x2800)
			for dy := 0; dy < 4; dy++ {
				for dx := 0; dx < 2; dx++ {
					if cv.get(x+dx, y+dy) {
						r |= brailleDots[dy][dx]
					}
				}
			}
			b.WriteRune(r)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// lolwutSchotter: LOLWUT VERSION 5 [columns] [squares-per-row]
// [squares-per-col]. A grid of squares whose rotation and displacement
// grow row by row.
func lolwutSchotter(args [][]byte) (string, error) {
	cols, perRow, perCol := int64(66), int64(8), int64(12)
	if err := longArgs(args, &cols, &perRow, &perCol); err != nil {
		return "", err
	}
	cols, perRow, perCol = clampInt(cols, 1, 1000), clampInt(perRow, 1, 200), clampInt(perCol, 1, 200)
	w := int(cols) * 2
	side := w / int(perRow+2)
	h := side*int(perCol) + 2*side
	cv := newCanvas(w, h)
	for row := 0; row < int(perCol); row++ {
		disorder := float64(row) / float64(perCol)
		for col := 0; col < int(perRow); col++ {
			cx := float64(side) * (float64(col) + 1.5)
			cy := float64(side) * (float64(row) + 1.5)
			angle := (rand.Float64()*2 - 1) * disorder * math.Pi / 4
			cx += (rand.Float64()*2 - 1) * disorder * float64(side) / 3
			cy += (rand.Float64()*2 - 1) * disorder * float64(side) / 3
			var px, py [4]int
			for k := 0; k < 4; k++ {
				a := angle + math.Pi/4 + float64(k)*math.Pi/2
				r := float64(side) / math.Sqrt2
				px[k] = int(math.Round(cx + r*math.Cos(a)))
				py[k] = int(math.Round(cy + r*math.Sin(a)))
			}
			for k := 0; k < 4; k++ {
				cv.line(px[k], py[k], px[(k+1)%4], py[(k+1)%4])
			}
		}
	}
	return cv.render(), nil
}

// lolwutSkyline: LOLWUT VERSION 6 [columns] [rows]. Buildings of random
// heights and widths with lit windows.
func lolwutSkyline(args [][]byte) (string, error) {
	cols, rows := int64(80), int64(20)
	if err := longArgs(args, &cols, &rows); err != nil {
		return "", err
	}
	cols, rows = clampInt(cols, 1, 1000), clampInt(rows, 1, 1000)
	w, h := int(cols)*2, int(rows)*4
	cv := newCanvas(w, h)
	for x := 0; x < w; {
		bw := 6 + rand.IntN(10)
		bh := h/4 + rand.IntN(max(h*3/4, 1))
		top := h - bh
		for xx := x; xx < x+bw && xx < w; xx++ {
			cv.set(xx, top)
		}
		for yy := top; yy < h; yy++ {
			cv.set(x, yy)
			cv.set(x+bw-1, yy)
		}
		for yy := top + 3; yy < h-2; yy += 4 {
			for xx := x + 2; xx < x+bw-2; xx += 3 {
				if rand.IntN(3) == 0 {
					cv.set(xx, yy)
					cv.set(xx, yy+1)
				}
			}
		}
		x += bw + rand.IntN(3)
	}
	return cv.render(), nil
}
