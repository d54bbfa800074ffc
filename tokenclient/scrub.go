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

const (
	redacted      = "[REDACTED]"
	maxServerText = 512 // bytes of each piece of server text an error keeps
)

// scrubber hides one secret key in text. It holds the key's few encoded forms, lower-cased, and
// finds them in a lower-cased copy of the text.
type scrubber struct{ forms [][]byte }

// encodeURIComponent turns url.QueryEscape's output into JavaScript's encodeURIComponent's.
var encodeURIComponent = strings.NewReplacer("+", "%20", "%21", "!", "%27", "'", "%28", "(",
	"%29", ")", "%2A", "*")

// newScrubber returns the scrubber for key, printable ASCII (New checks), or nil for no key.
func newScrubber(key string) *scrubber {
	if key == "" {
		return nil
	}
	quoted := strconv.Quote(key)
	j, _ := json.Marshal(key) // a string always marshals, with HTML escapes
	var every, escaped strings.Builder
	for i := 0; i < len(key); i++ {
		fmt.Fprintf(&every, "%%%02x", key[i])
		if isAlnum(key[i]) {
			escaped.WriteByte(key[i])
		} else {
			fmt.Fprintf(&escaped, `\u%04x`, key[i])
		}
	}
	s := &scrubber{}
	for _, f := range []string{
		key,
		url.QueryEscape(key), // '+' for a space
		url.PathEscape(key),  // "%20" for a space
		encodeURIComponent.Replace(url.QueryEscape(key)),
		every.String(),
		quoted[1 : len(quoted)-1],
		string(j[1 : len(j)-1]),
		strings.ReplaceAll(string(j[1:len(j)-1]), "/", `\/`),
		escaped.String(), // as strict JSON encoders write it
		nForm(key),
	} {
		if lower := []byte(strings.ToLower(f)); !slices.ContainsFunc(
			s.forms,
			func(g []byte) bool { return bytes.Equal(g, lower) },
		) {
			s.forms = append(s.forms, lower)
		}
	}
	return s
}

// nForm is a GUID key as .NET's Guid "N" format writes it, without hyphens; else key.
func nForm(key string) string {
	if guid.MatchString(key) {
		return strings.ReplaceAll(key, "-", "")
	}
	return key
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// text returns t with every form of the key, in any ASCII letter case, replaced by [REDACTED]: one
// linear search of a lower-cased copy of t per form, then the union of the matches is replaced.
func (s *scrubber) text(t string) string {
	if s == nil {
		return t
	}
	lower := []byte(t)
	for i, c := range lower {
		if 'A' <= c && c <= 'Z' {
			lower[i] = c + 'a' - 'A'
		}
	}
	var spans [][2]int
	for _, form := range s.forms {
		for at, i := 0, bytes.Index(lower, form); i >= 0; i = bytes.Index(lower[at:], form) {
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
			b.WriteString(t[last:sp[0]] + redacted)
		}
		last = max(last, sp[1])
	}
	b.WriteString(t[last:])
	return b.String()
}

// serverText makes t one line, scrubs it, and only then cuts it to maxServerText bytes.
func (s *scrubber) serverText(t string) string {
	t = s.text(oneLine(t))
	if len(t) > maxServerText {
		t = strings.ToValidUTF8(t[:maxServerText], "") + "…"
	}
	return t
}

// oneLine turns line breaks and tabs into spaces and drops other control and format characters
// (bidi overrides, zero-width ones) and invalid UTF-8: server text cannot split or reorder a line.
func oneLine(s string) string {
	if !strings.ContainsFunc(s, notPrintable) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune("\t\n\v\f\r\u0085\u2028\u2029", r) {
			return ' '
		}
		if r == utf8.RuneError || unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) {
			return -1
		}
		return r
	}, s)
}
