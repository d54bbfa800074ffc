package tokenclient

import (
	"fmt"
	"strings"
)

const redacted = "[REDACTED]"

// redact hides the secret key in err's text. A misbehaving server or proxy
// can echo request headers into a body or an error, so every error leaves
// through here.
func (c *Client) redact(err error) error {
	if err == nil || !strings.Contains(err.Error(), c.secretKey) {
		return err
	}
	return &redactedError{err: err, msg: strings.ReplaceAll(err.Error(), c.secretKey, redacted)}
}

// scrub hides the secret key in the fields of e that the server chose.
func (c *Client) scrub(e *APIError) *APIError {
	e.FlinksCode = strings.ReplaceAll(e.FlinksCode, c.secretKey, redacted)
	e.Message = strings.ReplaceAll(e.Message, c.secretKey, redacted)
	e.Location = strings.ReplaceAll(e.Location, c.secretKey, redacted)
	return e
}

type redactedError struct {
	err error
	msg string
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// Format prints the Client's destination, never its secret key, for every
// verb (%v, %+v, %#v, %s, …).
func (c Client) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "tokenclient.Client{server: %q, secretKey: %s}", c.server, redacted)
}
