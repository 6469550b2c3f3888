package tui

import (
	"context"
	"errors"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	q "github.com/dpia-tool/dpia/questionnaires"
)

// saveKind says what a save writes.
type saveKind int

const (
	saveAnswer saveKind = iota
	saveNote
)

// saveReq is one answer or note to commit.
type saveReq struct {
	kind       saveKind
	assessment string
	question   string
	value      q.Value
	text       string
	seq        int
}

func (r saveReq) key() string {
	k := "a:"
	if r.kind == saveNote {
		k = "n:"
	}
	return k + r.assessment + "/" + r.question
}

// saveState is what the screen shows beside a question.
type saveState int

const (
	statePending saveState = iota
	stateSaved
	stateFailed
)

type saveStatus struct {
	seq   int
	state saveState
	at    time.Time
	err   string
}

// savedMsg reports that a save returned: committed when err is nil.
type savedMsg struct {
	req saveReq
	at  time.Time
	err error
}

// saver commits answers and notes one at a time, in the order they were given, so that a
// later answer can never be overwritten by an earlier one that committed late. A queued save
// of the same question is replaced by the newer value. "saved" is shown only once the
// backend has returned from the newest value's commit.
type saver struct {
	c        *Common
	queue    []saveReq
	inflight *saveJob
	seq      int
	status   map[string]saveStatus
	hold     bool // queue without starting commands (while flushing)
}

// saveJob is the save handed to a command. Whoever claims it first runs it: the command, or
// flush when the program quit before the command ran.
type saveJob struct {
	req     saveReq
	mu      sync.Mutex
	claimed bool
}

func (j *saveJob) claim() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.claimed {
		return false
	}
	j.claimed = true
	return true
}

func newSaver(c *Common) saver { return saver{c: c, status: map[string]saveStatus{}} }

// enqueue queues a save and starts it when nothing is in flight.
func (s *saver) enqueue(r saveReq) tea.Cmd {
	s.seq++
	r.seq = s.seq
	s.status[r.key()] = saveStatus{seq: r.seq, state: statePending}
	replaced := false
	for i := range s.queue {
		if s.queue[i].key() == r.key() {
			s.queue[i], replaced = r, true
		}
	}
	if !replaced {
		s.queue = append(s.queue, r)
	}
	return s.pump()
}

// pump starts the next queued save.
func (s *saver) pump() tea.Cmd {
	if s.hold || s.inflight != nil || len(s.queue) == 0 {
		return nil
	}
	job := &saveJob{req: s.queue[0]}
	s.queue = s.queue[1:]
	s.inflight = job
	b, work := s.c.Backend, s.c.work
	// A save is never cancelled by quitting: it is short, and the user was told it is saving.
	ctx := context.WithoutCancel(s.c.Ctx)
	return func() tea.Msg {
		if !work.begin() {
			return nil // the program quit: flush commits it
		}
		defer work.end()
		if !job.claim() {
			return nil
		}
		return savedMsg{req: job.req, at: time.Now(), err: commit(ctx, b, job.req)}
	}
}

func commit(ctx context.Context, b Backend, r saveReq) error {
	if r.kind == saveNote {
		return b.SetNote(ctx, r.assessment, r.question, r.text)
	}
	return b.SetAnswer(ctx, r.assessment, r.question, r.value)
}

// done records a returned save and starts the next one.
func (s *saver) done(msg savedMsg) tea.Cmd {
	if s.inflight != nil && s.inflight.req.seq == msg.req.seq {
		s.inflight = nil
	}
	k := msg.req.key()
	if st, ok := s.status[k]; ok && st.seq == msg.req.seq {
		if msg.err != nil {
			s.status[k] = saveStatus{seq: st.seq, state: stateFailed, err: errText(msg.err)}
		} else {
			s.status[k] = saveStatus{seq: st.seq, state: stateSaved, at: msg.at}
		}
	}
	return s.pump()
}

// pending reports whether any save is queued or in flight.
func (s *saver) pending() bool { return s.inflight != nil || len(s.queue) > 0 }

// state returns the save state of an answer or note.
func (s *saver) state(kind saveKind, assessment, question string) (saveStatus, bool) {
	st, ok := s.status[saveReq{kind: kind, assessment: assessment, question: question}.key()]
	return st, ok
}

// flush commits the save whose command never ran and the queued saves, synchronously; the
// program must have stopped and the tracker closed, so no command can run concurrently.
func (s *saver) flush(ctx context.Context) error {
	var errs []error
	queue := s.queue
	if s.inflight != nil && s.inflight.claim() {
		queue = append([]saveReq{s.inflight.req}, queue...)
	}
	s.inflight = nil
	for _, r := range queue {
		if err := commit(ctx, s.c.Backend, r); err != nil {
			errs = append(errs, err)
		}
	}
	s.queue = nil
	return errors.Join(errs...)
}
