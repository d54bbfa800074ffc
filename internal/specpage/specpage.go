// Package specpage extracts the OpenAPI spec from what Flinks publishes: a
// documentation page in markdown with one ```yaml fence, or the raw YAML or
// JSON spec itself.
package specpage

import (
	"bytes"
	"errors"
	"fmt"
)

// ErrNoSpec is matched by errors.Is when a page holds no spec or more than
// one.
var ErrNoSpec = errors.New("specpage: no single OpenAPI spec found")

// Extract returns the spec in page: the content of its only yaml fence
// (the lines between the fence lines), else of its only json fence, or page
// itself when page is a raw spec (it starts with "openapi:", "swagger:" or
// "{", after blank lines; whether it is OpenAPI 3 is for the loader to
// say). A leading UTF-8 byte order mark is dropped and CRLF line endings
// become LF, so that a page saved by another editor yields the same bytes.
func Extract(page []byte) ([]byte, error) {
	page = bytes.TrimPrefix(page, []byte("\xef\xbb\xbf"))
	page = bytes.ReplaceAll(page, []byte("\r\n"), []byte("\n"))
	yamlBlocks, jsonBlocks, err := fences(page)
	if err != nil {
		return nil, err
	}
	blocks := yamlBlocks
	if len(blocks) == 0 {
		blocks = jsonBlocks
	}
	switch len(blocks) {
	case 1:
		return blocks[0], nil
	case 0:
		trimmed := bytes.TrimLeft(page, " \t\r\n")
		for _, prefix := range []string{"openapi:", "swagger:", "{"} {
			if bytes.HasPrefix(trimmed, []byte(prefix)) {
				return page, nil
			}
		}
		return nil, fmt.Errorf("%w: the page has no ```yaml or ```json fence and is not a raw spec (want a line starting with openapi: or swagger:, or a JSON object)", ErrNoSpec)
	default:
		return nil, fmt.Errorf("%w: the page has %d ```yaml (or ```json) fences; which one is the spec is ambiguous", ErrNoSpec, len(blocks))
	}
}

// fences returns the content of every fenced block whose info string
// starts with "yaml" (or "yml"), and of every one starting with "json". A
// fence is three or more backticks; it closes at a line of at least as
// many backticks and nothing else.
func fences(page []byte) (yamlBlocks, jsonBlocks [][]byte, err error) {
	var (
		open    []byte // the opening run of backticks, nil outside a fence
		isYAML  bool
		isJSON  bool
		start   int
		lineNum int
	)
	for pos := 0; pos < len(page); {
		end := bytes.IndexByte(page[pos:], '\n')
		next := len(page)
		if end >= 0 {
			next = pos + end + 1
		}
		line := bytes.TrimRight(page[pos:next], "\r\n")
		lineNum++
		ticks := leadingBackticks(line)
		switch {
		case open == nil && len(ticks) >= 3:
			open = ticks
			info := bytes.TrimSpace(line[len(ticks):])
			isYAML = bytes.HasPrefix(info, []byte("yaml")) || bytes.HasPrefix(info, []byte("yml"))
			isJSON = bytes.HasPrefix(info, []byte("json"))
			start = next
		case open != nil && len(ticks) >= len(open) && len(bytes.TrimSpace(line[len(ticks):])) == 0:
			switch {
			case isYAML:
				yamlBlocks = append(yamlBlocks, page[start:pos])
			case isJSON:
				jsonBlocks = append(jsonBlocks, page[start:pos])
			}
			open = nil
		}
		pos = next
	}
	if open != nil {
		return nil, nil, fmt.Errorf("%w: a ``` fence opened on the page is never closed", ErrNoSpec)
	}
	return yamlBlocks, jsonBlocks, nil
}

func leadingBackticks(line []byte) []byte {
	n := 0
	for n < len(line) && line[n] == '`' {
		n++
	}
	return line[:n]
}
