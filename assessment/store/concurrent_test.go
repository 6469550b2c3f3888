package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// TestTwoHandlesConcurrently writes from two handles on one workspace, as
// two dpia processes would, and checks that nothing is lost or corrupted.
func TestTwoHandlesConcurrently(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	h1, h2 := openTest(t, dir), openTest(t, dir)
	a := mustCreate(t, h1, "shared")

	const workers, writes = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*writes*2)
	created := make(chan string, workers)
	for w := range workers {
		h := h1
		if w%2 == 1 {
			h = h2
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			concurrentWorker(ctx, h, a.ID, w, writes, created, errs)
		}()
	}
	wg.Wait()
	close(errs)
	close(created)
	for err := range errs {
		t.Error(err)
	}

	ids := map[string]bool{a.ID: true}
	for id := range created {
		if ids[id] {
			t.Errorf("id %s given twice", id)
		}
		ids[id] = true
	}
	want := map[string][]string{}
	for w := range workers {
		for q := range 5 {
			want[fmt.Sprintf("w%d.q%d", w, q)] = []string{fmt.Sprint(writes - 5 + q)}
		}
	}
	assertAnswers(t, h2, a.ID, want)
	v, err := h1.VerifyLog(ctx, a.ID)
	if err != nil || !v.OK {
		t.Fatalf("VerifyLog after concurrent writes: %+v, %v", v, err)
	}
	if wantEvents := 1 + 2*workers*writes; v.Events != wantEvents {
		t.Errorf("events = %d; want %d", v.Events, wantEvents)
	}
	var check string
	if err := h1.DB().QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check = %q, %v", check, err)
	}
}

// concurrentWorker creates an assessment of its own, then answers its own
// questions in a and overwrites a's shared note, writes times each.
func concurrentWorker(ctx context.Context, h Store, id string, w, writes int, created chan<- string, errs chan<- error) {
	b, err := h.CreateAssessment(ctx, NewAssessment{Name: fmt.Sprintf("w%d", w)}, "w")
	if err != nil {
		errs <- err
		return
	}
	created <- b.ID
	for i := range writes {
		if err := h.SetAnswer(ctx, id, fmt.Sprintf("w%d.q%d", w, i%5), []string{fmt.Sprint(i)}, "w"); err != nil {
			errs <- err
		}
		if err := h.SetNote(ctx, id, "shared", fmt.Sprintf("w%d i%d", w, i), "w"); err != nil {
			errs <- err
		}
	}
}
