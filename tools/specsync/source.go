package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// canonicalPage is the page Flinks publishes the spec on, the SRC that
// make update-spec and the scheduled workflow use when none is given.
const canonicalPage = "https://docs.flinks.com/api/authorize/endpoints/generate-authorize-token.md"

// Bounds on what a page host can make specsync read, wait for or print.
const (
	maxSpecBytes = 256 << 10 // 70 times the spec; loading is not linear in its size
	fetchTimeout = 30 * time.Second
	maxRedirects = 5
	maxHostText  = 300
)

// readSource reads SRC: "-" for stdin, an https URL, or a file path.
func readSource(ctx context.Context, src string, stdin io.Reader) ([]byte, error) {
	switch {
	case src == "-":
		return readLimited(stdin, "stdin")
	case strings.Contains(src, "://"):
		return fetch(ctx, src)
	}
	f, err := os.Open(src)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readLimited(f, src)
}

func fetch(ctx context.Context, raw string) ([]byte, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("SRC %s: a URL must be https://host/…", sourceName(raw))
	}
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	hc := &http.Client{CheckRedirect: httpsRedirectsOnly}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		// Not the *url.Error itself: it repeats the URL with its query.
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("fetch %s: %s", sourceName(raw), printable(err.Error(), maxHostText))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch %s: %s", sourceName(raw), printable(resp.Status, maxHostText))
	}
	return readLimited(resp.Body, sourceName(raw))
}

// httpsRedirectsOnly refuses a redirect to anything but https, where anyone
// on the path could replace the spec, and more than maxRedirects of them.
func httpsRedirectsOnly(req *http.Request, via []*http.Request) error {
	if req.URL.Scheme != "https" {
		return fmt.Errorf("a redirect to %s, which is not https", sourceName(req.URL.String()))
	}
	if len(via) > maxRedirects {
		return fmt.Errorf("more than %d redirects", maxRedirects)
	}
	return nil
}

func readLimited(r io.Reader, name string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxSpecBytes+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("read %s: %w", name, err)
	case len(b) > maxSpecBytes:
		return nil, fmt.Errorf("read %s: larger than %d bytes", name, maxSpecBytes)
	case len(b) == 0:
		return nil, errors.New("read " + name + ": empty")
	}
	return b, nil
}

// printable returns s without control characters (terminal escape
// sequences lose their ESC and cannot act), invalid UTF-8 as U+FFFD, cut
// to at most max bytes with "…" marking the cut. It is linear in len(s).
func printable(s string, max int) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			continue
		}
		if b.Len()+utf8.RuneLen(r) > max {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}

// sourceName is how SRC appears in errors and in the report, which a pull
// request posts: a URL without its password, query or fragment (a private
// mirror may need a token there), everything made printable.
func sourceName(src string) string {
	if u, err := url.Parse(src); err == nil && strings.Contains(src, "://") {
		u.RawQuery, u.Fragment, u.RawFragment, u.ForceQuery = "", "", "", false
		src = u.Redacted()
	}
	return printable(src, maxHostText)
}
