package monitor

import (
	"strings"
	"testing"
)

// benchText is ordinary chat with a few matches, for the benchmarks below;
// bench/monitor measures at 10,000 entries on real texts.
var benchText = strings.Repeat("hey did you see the match last night lol, it was so good. "+
	"I'm sooo tired of homework tho and my teacher is killing me. wanna meet at the park later? "+
	"honestly i feel like nobody cares about me sometimes. ", 20)

func BenchmarkScan(b *testing.B) {
	l, err := Baseline()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(benchText)))
	for b.Loop() {
		l.Scan(benchText, "")
	}
}

func BenchmarkNormalise(b *testing.B) {
	var n normaliser
	b.SetBytes(int64(len(benchText)))
	for b.Loop() {
		n.normalise(benchText)
	}
}

func BenchmarkMatcher(b *testing.B) {
	l, err := Baseline()
	if err != nil {
		b.Fatal(err)
	}
	t := NormalForm(benchText)
	b.SetBytes(int64(len(t)))
	for b.Loop() {
		l.CountNormalised(t)
	}
}
