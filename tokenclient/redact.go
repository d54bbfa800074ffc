package tokenclient

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

const redacted = "[REDACTED]"

// redactor hides a secret key in text and errors. A misbehaving server or
// proxy can echo request headers into a body, a header or a malformed
// response head, in any letter case and URL- or JSON-escaped, so every
// error leaves the Client through sanitize.
type redactor struct {
	forms []string // the key as it may be echoed, longest first
}

func newRedactor(secretKey string) *redactor {
	var forms []string
	add := func(s string) {
		for _, f := range forms {
			if strings.EqualFold(f, s) {
				return
			}
		}
		forms = append(forms, s)
	}
	add(secretKey)
	add(url.QueryEscape(secretKey))
	add(url.PathEscape(secretKey))
	var every strings.Builder
	for i := 0; i < len(secretKey); i++ {
		fmt.Fprintf(&every, "%%%02X", secretKey[i])
	}
	add(every.String())
	if b, err := json.Marshal(secretKey); err == nil {
		add(string(b[1 : len(b)-1]))
		add(strings.ReplaceAll(string(b[1:len(b)-1]), "/", `\/`))
	}
	var plain strings.Builder
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	if enc.Encode(secretKey) == nil {
		s := strings.TrimSuffix(plain.String(), "\n")
		add(s[1 : len(s)-1])
	}
	return &redactor{forms: forms}
}

// text returns s as one line with every form of the key replaced. It
// cleans before it scrubs, so that a control character inside the key
// cannot hide it, and callers truncate only afterwards.
func (r *redactor) text(s string) string {
	s = oneLine(s)
	for _, f := range r.forms {
		s = replaceFold(s, f, redacted)
	}
	if r.leaks(s) {
		// Only a key that contains "[REDACTED]" itself gets here.
		return redacted
	}
	return s
}

// leaks reports whether s contains any form of the key.
func (r *redactor) leaks(s string) bool {
	for _, f := range r.forms {
		if indexFold(s, f) >= 0 {
			return true
		}
	}
	return false
}

// indexFold is strings.Index ignoring Unicode case.
func indexFold(s, substr string) int {
	if substr == "" {
		return -1
	}
	first, _ := utf8.DecodeRuneInString(substr)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if equalFoldRune(r, first) {
			if n := prefixFold(s[i:], substr); n > 0 {
				return i
			}
		}
		i += size
	}
	return -1
}

// prefixFold returns how many bytes of s match substr ignoring case, or 0.
func prefixFold(s, substr string) int {
	i := 0
	for _, want := range substr {
		if i >= len(s) {
			return 0
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !equalFoldRune(r, want) {
			return 0
		}
		i += size
	}
	return i
}

func equalFoldRune(a, b rune) bool {
	if a == b {
		return true
	}
	for f := unicode.SimpleFold(a); f != a; f = unicode.SimpleFold(f) {
		if f == b {
			return true
		}
	}
	return false
}

// replaceFold replaces every match of old in s, ignoring case, with repl.
func replaceFold(s, old, repl string) string {
	i := indexFold(s, old)
	if i < 0 {
		return s
	}
	var b strings.Builder
	for i >= 0 {
		n := prefixFold(s[i:], old)
		b.WriteString(s[:i])
		b.WriteString(repl)
		s = s[i+n:]
		i = indexFold(s, old)
	}
	b.WriteString(s)
	return b.String()
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
// naming the host instead of the URL. The result still matches what err
// matched (context.DeadlineExceeded, ErrUnauthorized, …), and a net.Error
// in err's chain stays a net.Error with the same Timeout.
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
	s := &scrubbedError{msg: r.text(err.Error()), orig: err}
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
// keeps the original only to answer errors.Is, never to hand it out.
type scrubbedError struct {
	msg  string
	orig error
	next error
}

func (e *scrubbedError) Error() string        { return e.msg }
func (e *scrubbedError) Unwrap() error        { return e.next }
func (e *scrubbedError) Is(target error) bool { return errors.Is(e.orig, target) }

// GoString keeps %#v from printing the original error's fields.
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
