package evidence

import (
	"sync"
	"time"
)

// progressInterval throttles progress events to about ten a second.
const progressInterval = 100 * time.Millisecond

// progressor gathers progress from the walker, the workers and the consumer, and emits
// snapshots no more often than progressInterval. Emitting never blocks the workers: the
// callback runs under a mutex and must be quick (the TUI's sends a message to a buffered
// channel and drops it if full).
type progressor struct {
	mu   sync.Mutex
	fn   func(Progress)
	p    Progress
	last time.Time
	t0   time.Time
	skip int
}

func newProgressor(fn func(Progress), start time.Time) *progressor {
	return &progressor{fn: fn, t0: start, p: Progress{Walking: true}}
}

func (p *progressor) emitLocked(force bool) {
	if p.fn == nil {
		return
	}
	now := time.Now()
	if !force && now.Sub(p.last) < progressInterval {
		return
	}
	p.last = now
	p.p.Elapsed = now.Sub(p.t0)
	if s := p.p.Elapsed.Seconds(); s > 0 {
		p.p.MBps = float64(p.p.Bytes) / 1e6 / s
	}
	p.fn(p.p)
}

func (p *progressor) setTotal(files int, bytes int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.p.FilesTotal, p.p.BytesTotal, p.p.Walking = files, bytes, false
	p.emitLocked(true)
}

func (p *progressor) current(path string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.p.Current = path
	p.emitLocked(false)
}

func (p *progressor) skipUnchanged(j job) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.skip++
	p.p.FilesDone++
	p.p.Bytes += j.size
	p.emitLocked(false)
}

func (p *progressor) fileDone(r FileResult) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !r.Entry {
		p.p.FilesDone++
		p.p.Bytes += r.Size
	}
	if r.Touched {
		p.skip++
	}
	for _, n := range r.Counts { // exact, where r.Detections is bounded (or empty for a count-only scan)
		p.p.Detections += n
	}
	p.emitLocked(false)
}

func (p *progressor) unchanged() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.skip
}

func (p *progressor) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.p.Done, p.p.Current = true, ""
	p.emitLocked(true)
}
