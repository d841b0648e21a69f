package server

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"testing"

	"petrel/internal/config"
)

// Every literal event name a command family passes to Ctx.Modified or
// Ctx.Notify must be in eventClasses, or it would never be published.
func TestEventNamesAreClassified(t *testing.T) {
	files, err := filepath.Glob("../commands/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no command sources: %v", err)
	}
	fset := token.NewFileSet()
	seen := 0
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "Modified" && sel.Sel.Name != "Notify") {
				return true
			}
			lit, ok := call.Args[1].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			name, _ := strconv.Unquote(lit.Value)
			seen++
			if eventClasses[name] == 0 {
				t.Errorf("%s: event %q has no class in eventClasses", fset.Position(lit.Pos()), name)
			}
			return true
		})
	}
	if seen < 50 {
		t.Fatalf("found only %d event names: the scan is broken", seen)
	}
}

// The classes are Valkey's: a spot check of each.
func TestEventClasses(t *testing.T) {
	for name, class := range map[string]int64{
		"del": config.NotifyGeneric, "rename_to": config.NotifyGeneric, "copy_to": config.NotifyGeneric,
		"set": config.NotifyString, "incrbyfloat": config.NotifyString, "pfadd": config.NotifyString,
		"setbit": config.NotifyString, "lpush": config.NotifyList, "sortstore": config.NotifyList,
		"sinterstore": config.NotifySet, "zincr": config.NotifyZset, "geosearchstore": config.NotifyZset,
		"hexpired": config.NotifyHash, "xgroup-createconsumer": config.NotifyStream,
		"expired": config.NotifyExpired, "evicted": config.NotifyEvicted,
		"keymiss": config.NotifyKeyMiss, "new": config.NotifyNew,
	} {
		if eventClasses[name] != class {
			t.Errorf("%s: class %d, want %d", name, eventClasses[name], class)
		}
	}
	for name, class := range eventClasses {
		if class == 0 || class&(class-1) != 0 {
			t.Errorf("%s: class %d is not one class", name, class)
		}
	}
}
