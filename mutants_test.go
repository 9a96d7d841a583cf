package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// mutant is one mutants/*.mutant file as mutants/run.sh reads it: "key:
// value" lines, then the "--- find" and "--- replace" blocks.
type mutant struct {
	fields        map[string]string
	find, replace string
}

func readMutant(t *testing.T, path string) mutant {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	head, body, ok := strings.Cut(string(raw), "\n--- find\n")
	if !ok {
		t.Fatalf("%s: no --- find line", path)
	}
	find, replace, ok := strings.Cut(body, "\n--- replace\n")
	if !ok {
		t.Fatalf("%s: no --- replace line", path)
	}
	m := mutant{fields: map[string]string{}, find: find, replace: strings.TrimSuffix(replace, "\n")}
	for _, line := range strings.Split(head, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, "#") {
			if _, seen := m.fields[k]; !seen {
				m.fields[k] = strings.TrimSpace(v)
			}
		}
	}
	return m
}

// TestMutantsApply checks every curated mutant still applies: a mutant
// whose find text is no longer in its file exactly once is "broken" in
// mutants/run.sh, which CI runs only a day's share of. It also checks
// that TESTING.md's count of the mutants is the number of files.
func TestMutantsApply(t *testing.T) {
	paths, err := filepath.Glob("mutants/*.mutant")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no mutants (%v)", err)
	}
	for _, path := range paths {
		m := readMutant(t, path)
		for _, k := range []string{"rule", "file", "packages", "run"} {
			if m.fields[k] == "" {
				t.Errorf("%s: no %s line", path, k)
			}
		}
		if _, err := regexp.Compile(m.fields["run"]); err != nil {
			t.Errorf("%s: run is not a regular expression: %v", path, err)
		}
		if m.find == m.replace {
			t.Errorf("%s: the replacement is the find text", path)
		}
		src, err := os.ReadFile(m.fields["file"])
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if n := strings.Count(string(src), m.find); n != 1 {
			t.Errorf("%s: its find text occurs %d times in %s, must be once (fix the mutant to the code as it now reads)", path, n, m.fields["file"])
		}
	}

	doc, err := os.ReadFile("TESTING.md")
	if err != nil {
		t.Fatal(err)
	}
	count := regexp.MustCompile(`(?m)^(\d+) mutants, every item issue 27 names`).FindSubmatch(doc)
	if count == nil {
		t.Fatal(`TESTING.md has no line "N mutants, every item issue 27 names"`)
	}
	if n, _ := strconv.Atoi(string(count[1])); n != len(paths) {
		t.Errorf("TESTING.md counts %d mutants, mutants/ has %d", n, len(paths))
	}
}
