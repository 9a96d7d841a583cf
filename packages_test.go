package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// listedPackage is what `go list -json` says of a package that the rules
// below read.
type listedPackage struct {
	ImportPath string
	Imports    []string // direct
	Deps       []string // every package it needs, transitively
}

// listPackages runs `go list -json ./...` on the module, as the README's
// package graph is drawn from it.
func listPackages(t *testing.T) map[string]*listedPackage {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	cmd := exec.Command("go", "list", "-json", "./...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string]*listedPackage{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = &p
	}
	if len(pkgs) == 0 {
		t.Fatal("go list found no packages")
	}
	return pkgs
}

// storagePackages are the SQLite plumbing and the two stores.
var storagePackages = []string{"mintedmind/db", "mintedmind/db/control", "mintedmind/db/tenant"}

// isUnder reports whether package p is root or inside it.
func isUnder(p, root string) bool { return p == root || strings.HasPrefix(p, root+"/") }

// TestPackageGraph keeps the arrows the README draws pointing down:
// storage imports no provider, PDF, archive, mail or web code and nothing
// above it; app imports no Fiber; and no package tree (billing/…, files/…)
// both is imported by a store and imports one, as billing/invoicemail once
// did while db imported billing.
func TestPackageGraph(t *testing.T) {
	pkgs := listPackages(t)
	forbidden := map[string][]string{
		"a payment provider":  {"mintedmind/paysera"},
		"PDF code":            {"mintedmind/billing/invoicepdf", "github.com/go-pdf/fpdf", "github.com/johnfercher/maroto"},
		"archive code":        {"mintedmind/archive"},
		"the web framework":   {"github.com/gofiber"},
		"mail":                {"mintedmind/mail", "github.com/wneessen/go-mail"},
		"a layer above it":    {"mintedmind/app", "mintedmind/handlers", "mintedmind/jobs", "mintedmind/views"},
		"the demo generator":  {"mintedmind/internal/demodata"},
		"the backup commands": {"mintedmind/backup"},
	}
	for _, s := range storagePackages {
		p, ok := pkgs[s]
		if !ok {
			t.Fatalf("go list has no %s", s)
		}
		for what, roots := range forbidden {
			for _, d := range p.Deps {
				for _, root := range roots {
					if isUnder(d, root) {
						t.Errorf("%s imports %s (%s): storage takes and returns plain values", s, what, d)
					}
				}
			}
		}
	}

	for _, d := range pkgs["mintedmind/app"].Deps {
		if isUnder(d, "github.com/gofiber") || isUnder(d, "mintedmind/handlers") || isUnder(d, "mintedmind/jobs") {
			t.Errorf("app imports %s: handlers and jobs call app with plain values, not the other way", d)
		}
	}

	// A tree is a top-level directory of the module (billing for
	// billing/invoicepdf); the storage packages' own tree is db.
	tree := func(p string) string {
		rest, ok := strings.CutPrefix(p, "mintedmind/")
		if !ok {
			return ""
		}
		top, _, _ := strings.Cut(rest, "/")
		return top
	}
	importsStorage := func(p *listedPackage) string {
		for _, d := range p.Deps {
			if slices.Contains(storagePackages, d) {
				return d
			}
		}
		return ""
	}
	for _, s := range storagePackages {
		for _, d := range pkgs[s].Deps {
			tr := tree(d)
			if tr == "" || tr == "db" {
				continue
			}
			for _, q := range pkgs {
				if tree(q.ImportPath) != tr {
					continue
				}
				if back := importsStorage(q); back != "" {
					t.Errorf("%s imports %s while %s, in the same tree %s/, imports %s: split the tree or move the code", s, d, q.ImportPath, tr, back)
				}
			}
		}
	}
}
