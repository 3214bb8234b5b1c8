package main

import (
	"math"
	"testing"
)

func TestSpearman(t *testing.T) {
	tests := []struct {
		name string
		x, y []float64
		want float64
	}{
		{"same order", []float64{1, 2, 3, 4}, []float64{10, 20, 30, 40}, 1},
		{"reversed", []float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}, -1},
		// Ranks with ties: x 1.5,1.5,3,4 against y 1,2,3,4.
		{"ties", []float64{0, 0, 2, 5}, []float64{0, 2, 3, 4}, 0.9486832980505138},
	}
	for _, tt := range tests {
		if got := spearman(tt.x, tt.y); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: spearman = %v, want %v", tt.name, got, tt.want)
		}
	}
	if !math.IsNaN(spearman([]float64{1, 1}, []float64{1, 2})) {
		t.Error("a constant side should give NaN")
	}
}

func TestConfusion(t *testing.T) {
	var c confusion
	for _, a := range [][2]bool{{true, true}, {true, false}, {false, true}, {false, false}, {true, true}} {
		c.add(a[0], a[1])
	}
	if c.precision() != 2.0/3 || c.recall() != 2.0/3 || math.Abs(c.f1()-2.0/3) > 1e-12 {
		t.Errorf("%+v: p %v r %v f1 %v", c, c.precision(), c.recall(), c.f1())
	}
}
