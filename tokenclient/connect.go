package tokenclient

import (
	"errors"
	"net/url"
	"strings"
)

// ConnectURL returns the Flinks Connect iframe URL that spends tok:
// https://{instance}-iframe.private.fin.ag/v2/?authorizeToken=…, then
// params in sorted order (under WithBaseURL's URL, where flinkstest serves
// a stand-in page, or WithConnectBaseURL's). It refuses an empty or
// expired tok, and params that set authorizeToken.
func (c *Client) ConnectURL(tok Token, params url.Values) (string, error) {
	switch {
	case tok.Value == "":
		return "", errors.New("tokenclient: ConnectURL needs a token; call GenerateAuthorizeToken first")
	case !tok.ExpiresAt.IsZero() && !tok.Valid():
		return "", errors.New("tokenclient: the authorize token has expired; mint a fresh one")
	case params.Has("authorizeToken"):
		return "", invalidConfig("Connect parameters must not set authorizeToken; it comes from the token")
	}
	query := "authorizeToken=" + url.QueryEscape(tok.Value)
	if extra := params.Encode(); extra != "" {
		query += "&" + extra
	}
	return c.connect + "/v2/?" + query, nil
}

// connectBase returns the base URL ConnectURL builds on.
func connectBase(o options) (string, error) {
	raw := o.connectURL
	if raw == "" && o.baseURL == "" {
		return "https://" + strings.ToLower(o.instance) + "-iframe.private.fin.ag", nil // a validated instance
	}
	if raw == "" {
		raw = o.baseURL
	}
	u, err := validateBaseURL(raw)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}
