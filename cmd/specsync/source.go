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

// readSource reads SRC: "-" for stdin, an https URL, or a file path.
func readSource(ctx context.Context, src string, stdin io.Reader, hc *http.Client) ([]byte, error) {
	switch {
	case src == "-":
		return readInterruptibly(ctx, stdin)
	case strings.Contains(src, "://"):
		return fetch(ctx, src, hc)
	default:
		f, err := os.Open(src)
		if err != nil {
			return nil, usageError{fmt.Errorf("read SRC: %w", err)}
		}
		defer f.Close()
		return readLimited(f, src)
	}
}

func fetch(ctx context.Context, raw string, hc *http.Client) ([]byte, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, usageError{fmt.Errorf("SRC %s: URLs must be https://host/…", sourceName(raw))}
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	safe := *hc
	safe.CheckRedirect = httpsRedirectsOnly
	hc = &safe
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch SRC: %s", printable(err.Error(), maxHostText))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch SRC: %s answered %s", u.Redacted(), printable(resp.Status, maxHostText))
	}
	return readLimited(resp.Body, u.Redacted())
}

// maxRedirects bounds the redirects fetch follows; docs sites move a page
// once or twice, not more.
const maxRedirects = 5

// httpsRedirectsOnly refuses a redirect to anything but https, where anyone
// on the path could replace the spec, and more than maxRedirects of them.
func httpsRedirectsOnly(req *http.Request, via []*http.Request) error {
	if req.URL.Scheme != "https" {
		return fmt.Errorf("%s redirects to %s, which is not https; give SRC an https page that does not redirect to http", via[len(via)-1].URL.Redacted(), req.URL.Redacted())
	}
	if len(via) > maxRedirects {
		return fmt.Errorf("more than %d redirects from %s; give SRC the page's final URL", maxRedirects, via[0].URL.Redacted())
	}
	return nil
}

func readLimited(r io.Reader, name string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxSpecBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > maxSpecBytes {
		return nil, fmt.Errorf("read %s: larger than %d bytes; is this a spec?", name, maxSpecBytes)
	}
	if len(b) == 0 {
		return nil, errors.New("read " + name + ": empty")
	}
	return b, nil
}

// readInterruptibly reads stdin until EOF or until ctx ends (SIGINT or
// SIGTERM in main): a read from a terminal or a stalled pipe cannot be
// cancelled, so it is left to the exiting process.
func readInterruptibly(ctx context.Context, r io.Reader) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := readLimited(r, "stdin")
		done <- result{b, err}
	}()
	select {
	case res := <-done:
		return res.b, res.err
	case <-ctx.Done():
		return nil, fmt.Errorf("read stdin: %w; nothing written", context.Cause(ctx))
	}
}

// maxHostText bounds text from a page host (a status line, a network
// error) in what specsync prints.
const maxHostText = 200

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

// sourceName is how SRC appears in errors, the report and the CHANGELOG
// entry, which are committed or posted as a pull request's body: a URL
// without its password, query or fragment (a private mirror may need a
// token there), everything made printable.
func sourceName(src string) string {
	if strings.Contains(src, "://") {
		if u, err := url.Parse(src); err == nil {
			hidden := u.RawQuery != "" || u.Fragment != ""
			u.RawQuery, u.Fragment, u.RawFragment, u.ForceQuery = "", "", "", false
			src = u.Redacted()
			if hidden {
				src += "?…"
			}
		} else {
			src = "the SRC URL (it does not parse)"
		}
	}
	return printable(src, maxHostText)
}
