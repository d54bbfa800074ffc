package openapi

import (
	"bytes"
	"errors"
	"fmt"
)

// ErrNoSpec is matched by errors.Is when a page holds no spec or more than
// one.
var ErrNoSpec = errors.New("no single OpenAPI spec")

// Extract returns the spec in page: the lines between the fence lines of
// its only ```yaml block (a fence is three or more backticks indented by at
// most 3 spaces, closed by a line of at least as many), or page itself
// when it is a raw spec (it starts with "openapi:" or "{" after blank
// lines). A leading UTF-8 byte order mark is dropped and CRLF line endings
// become LF, so that a page saved by another editor yields the same bytes.
// It is linear in len(page).
func Extract(page []byte) ([]byte, error) {
	page = bytes.TrimPrefix(page, []byte("\xef\xbb\xbf"))
	page = bytes.ReplaceAll(page, []byte("\r\n"), []byte("\n"))
	var blocks [][]byte
	var fence []byte // the opening run of backticks; nil outside a block
	start := 0
	for pos := 0; pos < len(page); {
		next := len(page)
		if i := bytes.IndexByte(page[pos:], '\n'); i >= 0 {
			next = pos + i + 1
		}
		// As in CommonMark, a fence is indented by at most 3 spaces: a
		// description's indented ``` inside the YAML is not one.
		raw := bytes.TrimRight(page[pos:next], " \t\n")
		line := bytes.TrimLeft(raw, " ")
		if len(raw)-len(line) > 3 {
			line = nil
		}
		ticks := line[:len(line)-len(bytes.TrimLeft(line, "`"))]
		switch {
		case fence == nil && len(ticks) >= 3:
			fence = ticks
			start = next
			info, _, _ := bytes.Cut(bytes.TrimSpace(line[len(ticks):]), []byte(" "))
			if string(info) != "yaml" {
				start = -1 // another language: skipped
			}
		case fence != nil && len(ticks) >= len(fence) && len(ticks) == len(line):
			if start >= 0 {
				blocks = append(blocks, page[start:pos])
			}
			fence = nil
		}
		pos = next
	}
	switch {
	case fence != nil:
		return nil, fmt.Errorf("%w: a ``` fence is never closed", ErrNoSpec)
	case len(blocks) == 1:
		return blocks[0], nil
	case len(blocks) > 1:
		return nil, fmt.Errorf("%w: the page has %d ```yaml blocks", ErrNoSpec, len(blocks))
	}
	trimmed := bytes.TrimLeft(page, " \t\n")
	if bytes.HasPrefix(trimmed, []byte("openapi:")) || bytes.HasPrefix(trimmed, []byte("{")) {
		return page, nil
	}
	return nil, fmt.Errorf("%w: no ```yaml block, and not a raw spec "+
		"(openapi: … or a JSON object)", ErrNoSpec)
}
