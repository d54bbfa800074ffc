package flinkstest

import (
	"net/http"
	"regexp"
	"strings"
)

// maskedSegment stands for a path segment the spec does not spell out,
// such as the customer id: a caller who swapped the customer id and the
// secret key sends the key there.
const maskedSegment = "{masked}"

// literalSegments returns the path segments that the spec's paths (and
// ConnectPath) spell out, the only ones logs and messages repeat.
func (h *Handler) literalSegments() map[string]bool {
	literal := map[string]bool{}
	templates := []string{ConnectPath}
	for tmpl := range h.validator.Doc().Paths.Map() {
		templates = append(templates, tmpl)
	}
	for _, tmpl := range templates {
		for seg := range strings.SplitSeq(tmpl, "/") {
			if !strings.HasPrefix(seg, "{") {
				literal[seg] = true
			}
		}
	}
	return literal
}

// maskPath returns p with every segment the spec does not spell out
// replaced by maskedSegment.
func (h *Handler) maskPath(p string) string {
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		if !h.literal[seg] {
			segs[i] = maskedSegment
		}
	}
	return strings.Join(segs, "/")
}

// scrub hides, in a message that may quote r, the path segments the spec
// does not spell out, the request's flinks-auth-key values and the
// configured secret keys, in any letter case.
func (h *Handler) scrub(msg string, r *http.Request) string {
	for _, p := range []string{r.URL.EscapedPath(), r.URL.Path} {
		if p != "" {
			msg = strings.ReplaceAll(msg, p, h.maskPath(p))
		}
	}
	secrets := r.Header.Values("flinks-auth-key")
	for k := range h.secretKeys {
		secrets = append(secrets, k)
	}
	return redact(msg, secrets...)
}

// redact hides secrets in msg, matching them in any letter case (GUIDs
// are case-insensitive, so a key may come back upper-cased).
func redact(msg string, secrets ...string) string {
	for _, s := range secrets {
		if s != "" {
			msg = regexp.MustCompile("(?i)"+regexp.QuoteMeta(s)).ReplaceAllLiteralString(msg, "[REDACTED]")
		}
	}
	return msg
}
