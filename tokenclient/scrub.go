package tokenclient

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// redacted replaces every form of the secret key found in server text.
const redacted = "[REDACTED]"

// maxServerText bounds each piece of server text an error carries
// (Message, FlinksCode, Location, a network error's text), in bytes, after
// scrubbing; longer text is cut and ends in "…".
const maxServerText = 512

// scrubber hides one secret key in text. It knows the few encoded forms
// the key takes when a server or a library echoes it, lower-cased, and
// looks for each with strings.Index over a lower-cased copy of the text:
// a few passes, each linear in the text.
type scrubber struct{ forms [][]byte }

// newScrubber returns the scrubber for key, a printable ASCII key of at
// least minKeyLen bytes (New checks both); nil for an empty key.
func newScrubber(key string) *scrubber {
	if key == "" {
		return nil
	}
	quoted := strconv.Quote(key)
	forms := []string{
		key,
		url.QueryEscape(key), // '+' for a space
		url.PathEscape(key),  // "%20" for a space
		everyPercent(key),
		quoted[1 : len(quoted)-1],
		jsonInner(key),
		strings.ReplaceAll(jsonInner(key), "/", `\/`),
		allEscaped(key),
	}
	s := &scrubber{}
	for _, f := range forms {
		lower := []byte(strings.ToLower(f)) // f is ASCII
		if !slices.ContainsFunc(s.forms, func(g []byte) bool { return bytes.Equal(g, lower) }) {
			s.forms = append(s.forms, lower)
		}
	}
	return s
}

// jsonInner is the key as encoding/json writes it inside a string, with
// its HTML escapes (\u003c, \u003e, \u0026).
func jsonInner(key string) string {
	b, _ := json.Marshal(key) // a string always marshals
	return string(b[1 : len(b)-1])
}

// allEscaped is the key with every byte other than a letter or digit
// written as a JSON \u00XX escape, as stricter JSON encoders do.
func allEscaped(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		if c := key[i]; isAlnum(c) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, `\u%04x`, c)
		}
	}
	return b.String()
}

// everyPercent is the key with every byte percent-encoded.
func everyPercent(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		fmt.Fprintf(&b, "%%%02x", key[i])
	}
	return b.String()
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// text returns t with every form of the key, in any ASCII letter case,
// replaced by [REDACTED]. It searches a lower-cased copy of t for each
// form, resuming after each match, and replaces the union of the matches:
// linear in len(t) for each form. A nil scrubber returns t.
func (s *scrubber) text(t string) string {
	if s == nil || len(t) < len(s.forms[0]) {
		return t
	}
	lower := make([]byte, len(t))
	for i := 0; i < len(t); i++ {
		c := t[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	var spans [][2]int
	for _, form := range s.forms {
		for at := 0; ; {
			i := bytes.Index(lower[at:], form)
			if i < 0 {
				break
			}
			spans = append(spans, [2]int{at + i, at + i + len(form)})
			at += i + len(form)
		}
	}
	if len(spans) == 0 {
		return t
	}
	slices.SortFunc(spans, func(a, b [2]int) int { return a[0] - b[0] })
	var b strings.Builder
	b.Grow(len(t))
	last := 0
	for _, sp := range spans {
		if sp[0] >= last {
			b.WriteString(t[last:sp[0]])
			b.WriteString(redacted)
		}
		last = max(last, sp[1])
	}
	b.WriteString(t[last:])
	return b.String()
}

// serverText makes s one line, scrubs it, and only then cuts it to
// maxServerText bytes, so that a cut never splits a key that the scrubber
// would have found.
func (s *scrubber) serverText(t string) string {
	t = s.text(oneLine(t))
	if len(t) > maxServerText {
		t = strings.ToValidUTF8(t[:maxServerText], "") + "…"
	}
	return t
}

// oneLine makes s one line: line breaks and tabs become spaces, other
// control and format characters (bidi overrides, zero-width characters)
// and invalid UTF-8 are dropped, so server text can neither split a log
// line nor reorder what a reader sees.
func oneLine(s string) string {
	ascii := 0
	for ascii < len(s) && s[ascii] >= 0x20 && s[ascii] < 0x7f {
		ascii++
	}
	clean := true
	for _, r := range s[ascii:] {
		if !isShown(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\v' || r == '\f' || r == '\r' || r == 0x85 || r == 0x2028 || r == 0x2029:
			return ' '
		case !isShown(r):
			return -1
		}
		return r
	}, s)
}

// isShown reports whether r prints as itself on one line.
func isShown(r rune) bool {
	if r < 0x7f {
		return r >= 0x20
	}
	return r != utf8.RuneError && !unicode.Is(unicode.Cc, r) && !unicode.Is(unicode.Cf, r) &&
		!unicode.Is(unicode.Zl, r) && !unicode.Is(unicode.Zp, r)
}
