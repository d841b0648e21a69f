package cmdspec

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// specsDir is where the generator reads Valkey's JSON specs by default.
const specsDir = "../../../shared/commands"

// TestGeneratedTableUpToDate runs the generator into a temporary file and
// checks that table_gen.go is exactly what it writes: the checked-in table
// matches the specs and summaries.txt, and generation is deterministic.
func TestGeneratedTableUpToDate(t *testing.T) {
	if _, err := os.Stat(specsDir); err != nil {
		t.Skipf("no specs at %s: %v", specsDir, err)
	}
	out := filepath.Join(t.TempDir(), "table_gen.go")
	cmd := exec.Command("go", "run", "./gen", "-out", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run ./gen: %v\n%s", err, msg)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("table_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("table_gen.go is stale: run go generate ./internal/cmdspec")
	}
}
