package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkSetAnswer measures one answer saved (a write transaction with its event, committed
// through the write-ahead log), the commonest write of the workbench.
func BenchmarkSetAnswer(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "ws"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	a, err := s.CreateAssessment(ctx, NewAssessment{Name: "bench"}, "bench")
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		if err := s.SetAnswer(ctx, a.ID, fmt.Sprintf("q%d", i%50), []string{fmt.Sprint(i)}, "bench"); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
