package tokenclient

import (
	"net"
	"net/url"
	"strings"
)

// The {instance} server of openapi.yaml (a test keeps them so), spelled
// out: oapi-codegen names its server-URL helper after prose Flinks may reword.
const (
	serverTemplate  = "https://{instance}-api.private.fin.ag"
	defaultInstance = "toolbox"
	minKeyLen       = 8
)

func instanceURL(instance string) string {
	return strings.Replace(serverTemplate, "{instance}", strings.ToLower(instance), 1)
}

// The validators describe a value instead of repeating it: it may be the
// secret key, passed in the wrong place.

func validateCustomerID(id string) error {
	ok := len(id) == 36
	for i := 0; ok && i < len(id); i++ {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			ok = id[i] == '-'
		} else {
			ok = strings.IndexByte("0123456789abcdefABCDEF", id[i]) >= 0
		}
	}
	if !ok {
		return invalidConfig("customer id (%d bytes) is not a GUID: want the xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx value Flinks gave you; New takes the customer id first, then the secret key", len(id))
	}
	return nil
}

// validateSecretKey accepts the keys the scrubber can hide.
func validateSecretKey(key string) error {
	if i := strings.IndexFunc(key, func(r rune) bool { return r < 0x20 || r >= 0x7f }); i >= 0 {
		return invalidConfig("secret key has a byte that is not printable ASCII at byte %d of %d; Flinks issues GUID keys: check how it was read (a trailing newline from a file?)", i+1, len(key))
	}
	if strings.TrimSpace(key) != key {
		return invalidConfig("secret key starts or ends with white space; trim it")
	}
	if len(key) < minKeyLen {
		return invalidConfig("secret key is %d bytes long, want at least %d: pass the GUID key Flinks gave you; a key that short cannot be hidden in error text without mangling it", len(key), minKeyLen)
	}
	return nil
}

// validateInstance accepts one DNS label: a host under private.fin.ag.
func validateInstance(s string) error {
	ok := len(s) > 0 && len(s) <= 63 && s[0] != '-' && s[len(s)-1] != '-'
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		ok = isAlnum(c) || c == '-'
	}
	if !ok {
		return invalidConfig("instance (%d bytes) is not a single DNS label of letters, digits and inner hyphens, at most 63 bytes; use a name such as toolbox, sandbox or your production instance", len(s))
	}
	return nil
}

// validateBaseURL accepts https, and http only for loopback hosts (fakes).
func validateBaseURL(raw string) (*url.URL, error) {
	const want = "want https://host[:port][/path]"
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return nil, invalidConfig("base URL does not parse (%s); %s", withoutValues(err), want)
	case u.Hostname() == "":
		return nil, invalidConfig("base URL (%d bytes) has no host; %s", len(raw), want)
	case u.User != nil:
		return nil, invalidConfig("base URL must not contain user info; remove the user:password@ part")
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return nil, invalidConfig("base URL must not have a query or fragment; remove the part from the ? or #")
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return nil, invalidConfig("base URL uses http for a non-loopback host; use https (plain http is allowed only for localhost fakes)")
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, invalidConfig("base URL has a scheme other than https or http; %s", want)
	}
	return u, nil
}

// withoutValues returns the text of a net/url error without the values it
// quotes (the URL, `invalid port ":x"`), which may hold a secret.
func withoutValues(err error) string {
	if ue, ok := err.(*url.Error); ok {
		err = ue.Err
	}
	msg, _, _ := strings.Cut(err.Error(), `"`)
	return oneLine(strings.TrimSpace(msg))
}

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return strings.EqualFold(host, "localhost") || ip != nil && ip.IsLoopback()
}
