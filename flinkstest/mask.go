package flinkstest

import "strings"

// maskedSegment stands for a path segment the spec does not spell out,
// such as the customer id: a caller who swapped the customer id and the
// secret key sends the key there.
const maskedSegment = "{masked}"

// literalSegments returns the path segments that the spec's paths (and
// ConnectPath) spell out, the only ones logs repeat.
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
