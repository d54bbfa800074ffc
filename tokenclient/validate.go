package tokenclient

import (
	"errors"
	"net"
	"net/url"
	"strings"
)

// validateCustomerID checks the 8-4-4-4-12 hex GUID form Flinks issues.
func validateCustomerID(id string) error {
	if !isGUID(id) {
		return invalidConfig("customer id %q is not a GUID (want the xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx value Flinks gave you)", id)
	}
	return nil
}

func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// validateSecretKey rejects keys that cannot travel in a header unchanged.
// Its messages never include the key.
func validateSecretKey(key string) error {
	if key == "" {
		return invalidConfig("secret key is empty; pass the secret key Flinks gave you")
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; c < 0x20 || c == 0x7f {
			return invalidConfig("secret key contains a control character at byte %d; check how it was read (a trailing newline from a file?)", i)
		}
	}
	if strings.TrimSpace(key) != key {
		return invalidConfig("secret key starts or ends with white space; trim it")
	}
	return nil
}

// validateInstance accepts one DNS label, so that the instance can only
// choose a host under private.fin.ag and never redirect the secret key.
func validateInstance(name string) error {
	if !isDNSLabel(name) {
		return invalidConfig("instance %q is not a single DNS label (letters, digits and inner hyphens, at most 63); use a name such as toolbox, sandbox or your production instance", name)
	}
	return nil
}

func isDNSLabel(s string) bool {
	if len(s) == 0 || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// validateBaseURL accepts https URLs, and plain http only for loopback
// hosts (local fakes), so the secret key is never sent in clear text.
func validateBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the raw URL, password included; give only the cause.
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return nil, invalidConfig("base URL does not parse: %v; want https://host[:port][/path]", err)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, invalidConfig("base URL %q has no host; want https://host[:port][/path]", u.Redacted())
	}
	if u.User != nil {
		return nil, invalidConfig("base URL must not contain user info; remove the user:password@ part")
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return nil, invalidConfig("base URL %q must not have a query or fragment", u.Redacted())
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, invalidConfig("base URL %q uses http for a non-loopback host; use https (plain http is allowed only for localhost fakes)", u.Redacted())
		}
	default:
		return nil, invalidConfig("base URL %q has scheme %q; want https", u.Redacted(), u.Scheme)
	}
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
