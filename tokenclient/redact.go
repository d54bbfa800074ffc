package tokenclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

const redacted = "[REDACTED]"

// redactor hides a secret key in text and errors. A misbehaving server or
// proxy can echo request headers into a body, a header or a malformed
// response head, in any letter case and URL- or JSON-escaped, byte by
// byte in any mix, so every error leaves the Client through sanitize.
type redactor struct {
	units []keyUnit // one per rune of the key
	// first marks the bytes a match can start with, so that scanning
	// text skips every other byte at once.
	first [256]bool
}

// keyUnit is one rune of the key, matched in any of its forms.
type keyUnit struct {
	// runes are the rune and every rune it case-folds to; nil for a byte
	// of the key that is not UTF-8, which is raw.
	runes []rune
	raw   byte
}

func newRedactor(secretKey string) *redactor {
	r := &redactor{units: make([]keyUnit, 0, utf8.RuneCountInString(secretKey))}
	folds := make([]rune, 0, len(secretKey)*2) // shared by the units' runes
	for i := 0; i < len(secretKey); {
		c, size := utf8.DecodeRuneInString(secretKey[i:])
		u := keyUnit{raw: secretKey[i]}
		if c != utf8.RuneError || size > 1 {
			from := len(folds)
			for f := c; ; {
				folds = append(folds, f)
				if f = unicode.SimpleFold(f); f == c {
					break
				}
			}
			u.runes = folds[from:len(folds):len(folds)]
		}
		r.units = append(r.units, u)
		i += size
	}
	if len(r.units) > 0 {
		r.units[0].forms(func(enc []byte) {
			r.first[enc[0]] = true
			if enc[0] == ' ' {
				r.first['+'] = true
			}
		})
		r.first['%'], r.first['\\'] = true, true
	}
	return r
}

// forms calls fn with the UTF-8 bytes of each of u's runes, or u's raw byte.
func (u *keyUnit) forms(fn func(enc []byte)) {
	var buf [utf8.UTFMax]byte
	if u.runes == nil {
		buf[0] = u.raw
		fn(buf[:1])
	}
	for _, c := range u.runes {
		fn(buf[:utf8.EncodeRune(buf[:], c)])
	}
}

// text returns s as one line with every form of the key replaced. It
// scrubs both before and after it cleans: before, so that a raw byte that
// is not UTF-8 among escaped ones cannot break up the key by being
// dropped, and after, so that a control character inside the key cannot
// hide it. Callers truncate only afterwards.
func (r *redactor) text(s string) string {
	s = r.scrub(oneLine(r.scrub(s)))
	if r.leaks(s) {
		// Only a key that contains "[REDACTED]" itself gets here.
		return redacted
	}
	return s
}

// scrub replaces every match of the key in s, also inside Go-quoted
// strings, which net/http uses to show a malformed response line: there
// the key's escapes are escaped once more.
func (r *redactor) scrub(s string) string {
	var b strings.Builder
	last := 0
	forQuoted(s, func(start, end int, inner string) bool {
		if clean := r.scrubPlain(inner); clean != inner {
			b.WriteString(s[last:start])
			b.WriteString(strconv.Quote(clean))
			last = end
		}
		return true
	})
	if last > 0 {
		b.WriteString(s[last:])
		s = b.String()
	}
	return r.scrubPlain(s)
}

// scrubPlain replaces every match of the key in s.
func (r *redactor) scrubPlain(s string) string {
	var b strings.Builder
	var m matcher
	for {
		start, end := r.index(s, &m)
		if start < 0 {
			break
		}
		b.WriteString(s[:start])
		b.WriteString(redacted)
		s = s[end:]
	}
	if b.Len() == 0 {
		return s
	}
	b.WriteString(s)
	return b.String()
}

// forQuoted calls fn with the place and content of every Go-quoted string
// in s, until fn returns false.
func forQuoted(s string, fn func(start, end int, inner string) bool) {
	for i := 0; i < len(s); i++ {
		if s[i] != '"' {
			continue
		}
		lit, err := strconv.QuotedPrefix(s[i:])
		if err != nil {
			continue
		}
		if inner, err := strconv.Unquote(lit); err == nil && !fn(i, i+len(lit), inner) {
			return
		}
		i += len(lit) - 1
	}
}

// leaks reports whether s contains the key in any form.
func (r *redactor) leaks(s string) bool {
	var m matcher
	if start, _ := r.index(s, &m); start >= 0 {
		return true
	}
	found := false
	forQuoted(s, func(_, _ int, inner string) bool {
		start, _ := r.index(inner, &m)
		found = start >= 0
		return !found
	})
	return found
}

// matcher holds the scratch space of one scan.
type matcher struct{ at, next []int }

// index returns the start and end of the leftmost, then longest, match of
// the key in s, or -1, -1.
func (r *redactor) index(s string, m *matcher) (int, int) {
	if len(r.units) == 0 {
		return -1, -1
	}
	for i := 0; i < len(s); i++ {
		if !r.first[s[i]] {
			continue
		}
		if end := r.matchAt(s, i, m); end >= 0 {
			return i, end
		}
	}
	return -1, -1
}

// matchAt returns the end of the longest match of the key starting at
// s[i], or -1. Forms of different lengths can match a unit at the same
// place (a key's '%' is "%" or "%25"), so it follows every end at once.
func (r *redactor) matchAt(s string, i int, m *matcher) int {
	m.at = append(m.at[:0], i)
	for k := range r.units {
		m.next = m.next[:0]
		for _, p := range m.at {
			m.next = r.units[k].ends(s, p, m.next)
		}
		if len(m.next) == 0 {
			return -1
		}
		m.at, m.next = m.next, m.at
	}
	return slices.Max(m.at)
}

// ends adds to dst every place where a form of u starting at s[p] ends:
// each byte of a case variant as itself, %XX or JSON \u00XX (a Latin-1
// reading of UTF-8) or a JSON short escape, '+' for a space; or the
// rune as one JSON \uXXXX, or a surrogate pair.
func (u *keyUnit) ends(s string, p int, dst []int) []int {
	u.forms(func(enc []byte) { dst = bytesEnds(s, p, enc, dst) })
	if c, n := jsonRuneAt(s, p); n > 0 && slices.Contains(u.runes, c) {
		dst = addEnd(dst, p+n)
	}
	return dst
}

// bytesEnds adds to dst every place where enc, byte by byte in any form,
// ends when it starts at s[p].
func bytesEnds(s string, p int, enc []byte, dst []int) []int {
	if len(enc) == 0 {
		return addEnd(dst, p)
	}
	if p >= len(s) {
		return dst
	}
	if s[p] == enc[0] {
		dst = bytesEnds(s, p+1, enc[1:], dst)
	}
	if n := escapedByteAt(s, p, enc[0]); n > 0 {
		dst = bytesEnds(s, p+n, enc[1:], dst)
	}
	return dst
}

func addEnd(dst []int, end int) []int {
	if slices.Contains(dst, end) {
		return dst
	}
	return append(dst, end)
}

// escapedByteAt returns the length of an escape of b at s[p], or 0.
func escapedByteAt(s string, p int, b byte) int {
	switch s[p] {
	case '%':
		if v, ok := hexValue(s, p+1, 2); ok && byte(v) == b {
			return 3
		}
	case '+':
		if b == ' ' {
			return 1
		}
	case '\\':
		if p+1 >= len(s) {
			return 0
		}
		switch c := s[p+1]; c {
		case 'u':
			if v, ok := hexValue(s, p+2, 4); ok && v == rune(b) {
				return 6
			}
		case '"', '\\', '/':
			if c == b {
				return 2
			}
		}
	}
	return 0
}

// jsonRuneAt decodes a JSON \uXXXX escape, or a surrogate pair of them,
// at s[p], returning the rune and the escape's length, or 0.
func jsonRuneAt(s string, p int) (rune, int) {
	if !strings.HasPrefix(s[p:], `\u`) {
		return 0, 0
	}
	c, ok := hexValue(s, p+2, 4)
	if !ok {
		return 0, 0
	}
	if utf16.IsSurrogate(c) && strings.HasPrefix(s[p+6:], `\u`) {
		if low, ok := hexValue(s, p+8, 4); ok {
			if pair := utf16.DecodeRune(c, low); pair != utf8.RuneError {
				return pair, 12
			}
		}
	}
	return c, 6
}

// hexValue parses n hex digits, in either case, at s[i:].
func hexValue(s string, i, n int) (rune, bool) {
	if i+n > len(s) {
		return 0, false
	}
	var v rune
	for _, c := range []byte(s[i : i+n]) {
		switch {
		case '0' <= c && c <= '9':
			v = v<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			v = v<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			v = v<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

// oneLine makes s one line in the Unicode sense: line and paragraph
// breaks (C0, NEL, U+2028, U+2029) become spaces, and other control and
// format characters (C1, DEL, bidi overrides and isolates, zero-width
// characters) and invalid UTF-8 are dropped, so server text can neither
// split a log line nor reorder what a reader sees.
func oneLine(s string) string {
	clean := true
	for _, r := range s {
		if r < 0x20 || r >= 0x7f && !isShown(r) {
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
		case r < 0x20 || r >= 0x7f && !isShown(r):
			return -1
		}
		return r
	}, s)
}

// isShown reports whether a rune at or above DEL prints as itself.
func isShown(r rune) bool {
	return r != utf8.RuneError && r != 0x7f && !unicode.Is(unicode.Cc, r) && !unicode.Is(unicode.Cf, r) && !unicode.Is(unicode.Zl, r) && !unicode.Is(unicode.Zp, r)
}

// sanitize returns err with every error that errors.Unwrap, errors.Is and
// errors.As can reach free of the key and one line, and network errors
// naming the host instead of the URL. An error that had to be cleaned is
// replaced, not wrapped, so that reflection cannot reach the original
// either. The result still matches every error err's chain wraps
// unchanged, and the sentinels (context.DeadlineExceeded, ErrUnauthorized,
// …) err matched, and a net.Error in err's chain stays a net.Error with
// the same Timeout.
func (r *redactor) sanitize(err error) error {
	if err == nil || r.clean(err) {
		return err
	}
	switch e := err.(type) {
	case *APIError:
		c := *e
		c.FlinksCode, c.Message, c.Location = r.text(e.FlinksCode), r.text(e.Message), r.text(e.Location)
		c.Err = r.sanitize(e.Err)
		return &c
	case *url.Error:
		return &url.Error{Op: e.Op, URL: origin(e.URL), Err: r.sanitize(e.Err)}
	case *net.OpError:
		c := *e
		c.Err = r.sanitize(e.Err)
		return &c
	}
	s := &scrubbedError{msg: r.text(err.Error()), matches: sentinelMatches(err)}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		s.next = r.sanitize(u.Unwrap())
	case interface{ Unwrap() []error }:
		var list []error
		for _, e := range u.Unwrap() {
			list = append(list, r.sanitize(e))
		}
		return &scrubbedErrors{scrubbedError: *s, list: list}
	}
	if ne, ok := err.(net.Error); ok {
		return &scrubbedNetError{scrubbedError: *s, timeout: ne.Timeout()}
	}
	return s
}

// clean reports whether every error reachable from err is one line, free
// of the key, and, for a *url.Error, names no path or query.
func (r *redactor) clean(err error) bool {
	if err == nil {
		return true
	}
	msg := err.Error()
	if oneLine(msg) != msg || r.leaks(msg) {
		return false
	}
	switch e := err.(type) {
	case *url.Error:
		if e.URL != origin(e.URL) {
			return false
		}
	case *APIError:
		if r.leaks(e.FlinksCode+" "+e.Message+" "+e.Location) || oneLine(e.Location) != e.Location {
			return false
		}
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return r.clean(u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if !r.clean(e) {
				return false
			}
		}
	}
	return true
}

// origin reduces a URL to scheme://host: the path holds the customer id,
// which is the secret key when the two are passed in swapped order.
func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "[URL]"
	}
	return u.Scheme + "://" + u.Host
}

// scrubbedError stands in for an error whose text had to be cleaned. It
// keeps nothing of the original but clean text, its cleaned chain and
// which sentinels it matched, so that no reflection-based dumper (go-spew,
// testify) can print the key from it.
type scrubbedError struct {
	msg     string
	next    error
	matches uint16 // bit i: the original matched sentinels[i]
}

// sentinels are the errors a scrubbedError still matches as the original
// did. Its chain answers errors.Is for what the original wrapped; this
// covers an original that matched one by its own Is method.
var sentinels = [...]error{
	context.Canceled, context.DeadlineExceeded, os.ErrDeadlineExceeded, net.ErrClosed,
	io.EOF, io.ErrUnexpectedEOF,
	ErrUnauthorized, ErrInvalidConfig, ErrMalformedResponse, ErrResponseTooLarge, ErrPoolClosed,
}

// The matches of a scrubbedError must fit its uint16.
const _ = uint16(1 << (len(sentinels) - 1))

func sentinelMatches(err error) uint16 {
	var m uint16
	for i, target := range sentinels {
		if errors.Is(err, target) {
			m |= 1 << i
		}
	}
	return m
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.next }
func (e *scrubbedError) Is(target error) bool {
	for i, s := range sentinels {
		if s == target {
			return e.matches&(1<<i) != 0
		}
	}
	return false
}

// GoString keeps %#v to the clean text.
func (e *scrubbedError) GoString() string { return fmt.Sprintf("tokenclient.scrubbedError{%q}", e.msg) }

// scrubbedNetError is a scrubbedError for a net.Error.
type scrubbedNetError struct {
	scrubbedError
	timeout bool
}

func (e *scrubbedNetError) Timeout() bool   { return e.timeout }
func (e *scrubbedNetError) Temporary() bool { return e.timeout }

// scrubbedErrors is a scrubbedError for an error joining several.
type scrubbedErrors struct {
	scrubbedError
	list []error
}

func (e *scrubbedErrors) Unwrap() []error { return e.list }

// Format prints the Client's destination, never its secret key, for every
// verb (%v, %+v, %#v, %s, …).
func (c Client) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "tokenclient.Client{server: %q, secretKey: %s}", c.server, redacted)
}
