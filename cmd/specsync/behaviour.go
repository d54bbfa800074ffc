package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// parseFunc matches a generated response parser and captures the operation.
var parseFunc = regexp.MustCompile(`^func Parse(\w+)Response\(rsp \*http\.Response\)`)

// parserCases returns, per operation, the conditions under which the
// generated Parse…Response functions of the api package in dir decode a
// body ("rsp.StatusCode == 401", "true" for default).
func parserCases(dir string) map[string][]string {
	files, _ := filepath.Glob(filepath.Join(dir, "api", "*.gen.go"))
	cases := map[string][]string{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		op := ""
		for line := range strings.Lines(string(src)) {
			if m := parseFunc.FindStringSubmatch(line); m != nil {
				op = m[1]
				continue
			}
			if strings.HasPrefix(line, "}") {
				op = ""
			}
			cond, ok := strings.CutPrefix(strings.TrimSpace(line), "case ")
			if op == "" || !ok {
				continue
			}
			cond = strings.TrimSuffix(cond, ":")
			if _, status, ok := strings.Cut(cond, "&& "); ok {
				cond = status
			}
			cases[op] = append(cases[op], cond)
		}
	}
	return cases
}

// parserChanges says, in plain words, where the generated parser of an
// operation that existed before now decodes bodies it did not decode.
func parserChanges(before, after map[string][]string) []string {
	var notes []string
	for op, old := range before {
		for _, cond := range after[op] {
			if slices.Contains(old, cond) {
				continue
			}
			what := "status " + strings.TrimPrefix(cond, "rsp.StatusCode == ")
			if cond == "true" {
				what = "every status without a response of its own (the new default response)"
			}
			notes = append(notes, fmt.Sprintf("The generated Parse%sResponse (and %sWithResponse) now JSON-decodes the body for %s when it is labelled JSON: "+
				"existing callers of the generated path get a decode error and no response for a body labelled JSON that is not (an HTML 502 page from a proxy, say), where before they got the raw response. "+
				"tokenclient maps every non-2xx to *APIError either way.", op, op, what))
		}
	}
	slices.Sort(notes)
	return notes
}
