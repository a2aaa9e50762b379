package wordnet

import (
	"runtime"
	"testing"
)

// BenchmarkLoad measures Load and reports the heap a loaded DB keeps.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d, err := Load()
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(d)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MB-retained")
}

var relatePairs = [][2]string{
	{"floor", "storey"}, {"kids", "children"}, {"vessel", "ship"}, {"killed", "died"},
	{"deep", "depth"}, {"lose", "loss"}, {"testify", "testimony"}, {"rise", "fall"},
	{"crew", "sailor"}, {"bridge", "span"}, {"quake", "earthquake"}, {"outage", "failure"},
	{"run", "set"}, {"break", "take"}, {"dog", "mile"}, {"state", "country"},
}

// BenchmarkRelate measures Relate over a mix of pairs, including words
// with dozens of senses ("run", "set", "break", "take").
func BenchmarkRelate(b *testing.B) {
	d := db(b)
	b.ResetTimer()
	i := 0
	for b.Loop() {
		p := relatePairs[i%len(relatePairs)]
		d.Relate(p[0], p[1])
		i++
	}
}
