package main

import (
	"runtime/debug"
	"testing"
)

// TestLessGC: a scan collects garbage less often under a soft memory limit, and puts both
// settings back afterwards; a GOGC or GOMEMLIMIT of the user's is left alone.
func TestLessGC(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	restore := lessGC()
	// SetGCPercent returns the setting it replaces: set the same value back to read it.
	if got := debug.SetGCPercent(400); got != 400 {
		t.Errorf("GC percent during a scan %d, want 400", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 192<<20 { // a negative limit only reads it
		t.Errorf("memory limit during a scan %d, want %d", got, 192<<20)
	}
	restore()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GC percent after the scan %d, want 100", got)
	}

	t.Setenv("GOGC", "50")
	lessGC()()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC set by the user, GC percent changed to %d", got)
	}
}
