package tokenclient

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// serverTemplate and defaultInstance are the {instance} server of
// openapi.yaml (a test keeps them so). They are spelled out here instead
// of calling a generated server-URL helper because oapi-codegen names that
// helper after the server's description, which is prose Flinks may reword,
// and types the variable once an enum appears, which would reject
// customers' own production instance names.
const (
	serverTemplate  = "https://{instance}-api.private.fin.ag"
	defaultInstance = "toolbox"
)

// instanceURL returns the API URL of a validated instance name.
func instanceURL(instance string) string {
	return strings.Replace(serverTemplate, "{instance}", strings.ToLower(instance), 1)
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

// validateCustomerID checks the 8-4-4-4-12 hex GUID form Flinks issues.
// Its messages describe the value instead of repeating it: the customer
// id and the secret key are easily passed in swapped order.
func validateCustomerID(id string) error {
	const want = "(the xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx value Flinks gave you; New takes the customer id first, then the secret key)"
	if len(id) != 36 {
		return invalidConfig("customer id is not a GUID: it is %d bytes long, want 36 %s", len(id), want)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return invalidConfig("customer id is not a GUID: byte %d of 36 is %s, want a hyphen %s", i+1, byteKind(c), want)
			}
		default:
			if !isHex(c) {
				return invalidConfig("customer id is not a GUID: byte %d of 36 is %s, want a hex digit %s", i+1, byteKind(c), want)
			}
		}
	}
	return nil
}

// byteKind names the class of c, never c itself, for messages about a
// value that may be the secret key.
func byteKind(c byte) string {
	switch {
	case c >= 0x80:
		return "a non-ASCII byte"
	case c < 0x20 || c == 0x7f:
		return "a control character"
	case c == ' ':
		return "a space"
	case c == '-':
		return "a hyphen"
	case '0' <= c && c <= '9':
		return "a digit"
	case isHex(c):
		return "a letter"
	case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		return "a letter other than a-f"
	}
	return "punctuation or a symbol"
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// minKeyLen is the shortest secret key New accepts.
const minKeyLen = 8

// validateSecretKey accepts printable ASCII keys of at least minKeyLen
// bytes: such a key travels in a header unchanged, and the scrubber can
// find it in text without mangling the text around it. Its messages never
// include the key.
func validateSecretKey(key string) error {
	if key == "" {
		return invalidConfig("secret key is empty; pass the secret key Flinks gave you")
	}
	for i := 0; i < len(key); i++ {
		switch c := key[i]; {
		case c < 0x20 || c == 0x7f:
			return invalidConfig("secret key contains a control character at byte %d of %d; check how it was read (a trailing newline from a file?)", i+1, len(key))
		case c >= 0x80:
			return invalidConfig("secret key contains a non-ASCII byte at byte %d of %d; Flinks issues GUID keys, check that the right value was passed", i+1, len(key))
		}
	}
	if strings.TrimSpace(key) != key {
		return invalidConfig("secret key starts or ends with white space; trim it")
	}
	if len(key) < minKeyLen {
		return invalidConfig("secret key is %d bytes long, want at least %d: Flinks issues GUID keys, and a key that short cannot be hidden in error text without mangling it", len(key), minKeyLen)
	}
	return nil
}

// validateInstance accepts one DNS label, so that the instance can only
// choose a host under private.fin.ag and never redirect the secret key.
// Its messages describe the value instead of repeating it.
func validateInstance(name string) error {
	if problem := dnsLabelProblem(name); problem != "" {
		return invalidConfig("instance is not a single DNS label: %s (want letters, digits and inner hyphens, at most 63 bytes); use a name such as toolbox, sandbox or your production instance", problem)
	}
	return nil
}

// dnsLabelProblem says why s is not a DNS label, or returns "".
func dnsLabelProblem(s string) string {
	switch {
	case len(s) == 0:
		return "it is empty"
	case len(s) > 63:
		return fmt.Sprintf("it is %d bytes long", len(s))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return fmt.Sprintf("byte %d of %d is %s", i+1, len(s), byteKind(c))
		}
	}
	if s[0] == '-' || s[len(s)-1] == '-' {
		return "it starts or ends with a hyphen"
	}
	return ""
}

// validateBaseURL accepts https URLs, and plain http only for loopback
// hosts (local fakes), so the secret key is never sent in clear text. Its
// messages never repeat the URL or a part of it: a base URL argument may
// hold the secret key, passed in the wrong place.
func validateBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, invalidConfig("base URL does not parse (%s); want https://host[:port][/path]", withoutValues(err))
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, invalidConfig("base URL (%d bytes) has no host; want https://host[:port][/path]", len(raw))
	}
	if u.User != nil {
		return nil, invalidConfig("base URL must not contain user info; remove the user:password@ part")
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return nil, invalidConfig("base URL must not have a query or fragment; remove the part from the ? or #")
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, invalidConfig("base URL uses http for a non-loopback host; use https (plain http is allowed only for localhost fakes)")
		}
	default:
		return nil, invalidConfig("base URL has a scheme other than https or http; want https://host[:port][/path]")
	}
	return u, nil
}

// withoutValues returns the text of a net/url error without the values it
// quotes: *url.Error repeats the whole URL, and its causes quote the part
// they object to (`invalid port ":x" after host`), which may be a secret.
func withoutValues(err error) string {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '"'); i >= 0 {
		msg = strings.TrimSpace(msg[:i])
	}
	return oneLine(msg)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
