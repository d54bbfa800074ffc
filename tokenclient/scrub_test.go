package tokenclient

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// echoes are the forms of key the scrubber must find, as the encoders a
// server might use write them.
func echoes(key string) map[string]string {
	j, _ := json.Marshal(key)
	var every strings.Builder
	for i := 0; i < len(key); i++ {
		fmt.Fprintf(&every, "%%%02X", key[i])
	}
	forms := map[string]string{
		"as is":                 key,
		"upper case":            strings.ToUpper(key),
		"lower case":            strings.ToLower(key),
		"query escaped":         url.QueryEscape(key),
		"query escaped, lower":  strings.ToLower(url.QueryEscape(key)),
		"path escaped":          url.PathEscape(key),
		"URI component (JS)":    uriComponent(key),
		"every byte escaped":    every.String(),
		"JSON":                  string(j[1 : len(j)-1]),
		"JSON with \\/":         strings.ReplaceAll(string(j[1:len(j)-1]), "/", `\/`),
		"JSON, all \\u escaped": uEscaped(key),
		"Go quoted":             strconv.Quote(key),
		"quoted in a sentence":  strconv.Quote("the key " + key + " is wrong"),
		"twice, back to back":   key + key,
	}
	if guid.MatchString(key) {
		forms[".NET's N form"] = strings.ReplaceAll(key, "-", "")
	}
	return forms
}

// uriComponent escapes key as JavaScript's encodeURIComponent does.
func uriComponent(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		if c := key[i]; strings.IndexByte("-_.!~*'()", c) >= 0 || 'a' <= c|0x20 && c|0x20 <= 'z' ||
			'0' <= c && c <= '9' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// uEscaped writes every byte of key but letters and digits as \u00XX.
func uEscaped(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		if c := key[i]; strings.IndexByte(
			"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
			c,
		) >= 0 { // not isAlnum: mutants of it must fail here
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, `\u%04X`, c)
		}
	}
	return b.String()
}

func TestScrubberFindsEveryForm(t *testing.T) {
	for _, key := range []string{testSecretKey, oddKey, "AZaz09+Q", "aa!b'(c)*/d"} {
		s := newScrubber(key)
		for name, echo := range echoes(key) {
			got := s.text("<" + echo + ">")
			if !strings.Contains(got, redacted) || strings.Contains(got, echo) ||
				strings.Contains(strings.ToLower(got), strings.ToLower(key)) {
				t.Errorf("key %q, %s: %q scrubs to %q", key, name, echo, got)
			}
		}
	}
}

func TestScrubberLeavesOtherText(t *testing.T) {
	s := newScrubber(oddKey)
	for in, want := range map[string]string{
		"":                      "",
		"no key here":           "no key here",
		oddKey[:len(oddKey)-1]:  oddKey[:len(oddKey)-1], // a prefix is not the key
		"x" + oddKey + "y":      "x[REDACTED]y",
		oddKey + " " + oddKey:   "[REDACTED] [REDACTED]",
		"é" + oddKey + "é":      "é[REDACTED]é",
		"Sk+/a+b=&\"<K\\ey>":    "Sk+/a+b=&\"<K\\ey>", // a mixture of encodings
		strings.ToUpper(oddKey): "[REDACTED]",
	} {
		if got := s.text(in); got != want {
			t.Errorf("text(%q): got %q, want %q", in, got, want)
		}
	}
	// Matches of two forms that overlap, or nest, go as one.
	for forms, want := range map[[2]string]string{{"abcd", "cdef"}: "x[REDACTED]y", {"abcdef",
		"bc"}: "x[REDACTED]y", {"ab", "ef"}: "x[REDACTED]cd[REDACTED]y", {"ef",
		"ab"}: "x[REDACTED]cd[REDACTED]y"} {
		s := &scrubber{forms: [][]byte{[]byte(forms[0]), []byte(forms[1])}}
		if got := s.text("xABcdEfy"); got != want {
			t.Errorf("forms %q: got %q, want %q", forms, got, want)
		}
	}
	if got := (*scrubber)(nil).text(oddKey); got != oddKey {
		t.Errorf("a nil scrubber changed %q to %q", oddKey, got)
	}
	if newScrubber("") != nil {
		t.Error("newScrubber(\"\") is not nil")
	}
	if n := len(newScrubber("abcdefgh").forms); n != 2 {
		t.Errorf("an alphanumeric key has %d forms, want 2 (itself, every byte percent-encoded)", n)
	}
}

func TestServerText(t *testing.T) {
	s := newScrubber(testSecretKey)
	long := strings.Repeat("a", maxServerText-1)
	for _, tc := range []struct{ in, want string }{
		{"line\none\r\ttwo\u2028three\u0085four", "line one  two three four"},
		{"bidi\u202eoverride\u200bzero\x00nul\x7fdel\xffbad", "bidioverridezeronuldelbad"},
		{"plain é ok", "plain é ok"},
		{"a\x7fb", "ab"},
		{"\r\n", "  "}, {"\u202e", ""}, // nothing but control or format characters
		{long + "b", long + "b"},
		{long + "bc", long + "b…"},
		{long + "é", long + "…"}, // no cut inside a rune
		// Scrubbed before the cut: the key across the bound goes whole.
		{long + testSecretKey, long + "[…"},
		{strings.Repeat("x", maxServerText-4) + testSecretKey, strings.Repeat("x",
			maxServerText-4) + "[RED…"},
		{"key\n" + testSecretKey, "key [REDACTED]"},
	} {
		if got := s.serverText(tc.in); got != tc.want {
			t.Errorf(
				"serverText(%.40q…): got …%q, want …%q",
				tc.in,
				got[max(0, len(got)-20):],
				tc.want[max(0, len(tc.want)-20):],
			)
		}
	}
}

// BenchmarkScrub times the scrubber on 1 MiB bodies of the shapes that
// made the old one quadratic; each must cost well under 50ms.
func BenchmarkScrub(b *testing.B) {
	const size = 1 << 20
	s := newScrubber(oddKey)
	prefix := oddKey[:len(oddKey)-1]
	for name, unit := range map[string]string{
		"quotes":       `"\"`,
		"backslashes":  `\\\\`,
		"percent":      "%2B%",
		"key-prefix":   prefix,
		"upper-prefix": strings.ToUpper(prefix),
		"json-prefix":  uEscaped(oddKey)[:20],
		"keys":         oddKey,
	} {
		body := strings.Repeat(unit, size/len(unit)+1)[:size]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				s.serverText(body)
			}
		})
	}
}

// FuzzScrub checks that no text keeps the key, in any letter case.
func FuzzScrub(f *testing.F) {
	for _, e := range echoes(oddKey) {
		f.Add(e)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, key := range []string{oddKey, testSecretKey} {
			if out := newScrubber(key).serverText(in + key + in); strings.Contains(
				strings.ToLower(out),
				strings.ToLower(key),
			) {
				t.Fatalf("%q kept the key: %q", in, out)
			}
		}
	})
}
