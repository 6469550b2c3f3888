package detect
import ("testing";"syscall";"strings";"time";"github.com/dpia-tool/dpia/assessment/evidence/model")
func cpuNow() time.Duration { var r syscall.Rusage; syscall.Getrusage(syscall.RUSAGE_SELF, &r); return time.Duration(r.Utime.Nano()+r.Stime.Nano()) }
func TestZZCPU(t *testing.T) {
	corpus := benchCorpus(1<<20); lines := strings.Split(corpus, "\n"); d := New(testKey)
	for _, l := range lines { d.DetectText(model.Location{}, l, func(model.Detection){}) }
	for r := 0; r < 3; r++ {
		c0 := cpuNow(); w0 := time.Now(); n := 5
		for i := 0; i < n; i++ { for _, l := range lines { d.DetectText(model.Location{}, l, func(model.Detection){}) } }
		c := cpuNow()-c0
		t.Logf("DetectText: %.1f MB per CPU-second (wall %.1f MB/s)", float64(n*len(corpus))/1e6/c.Seconds(), float64(n*len(corpus))/1e6/time.Since(w0).Seconds())
	}
}
