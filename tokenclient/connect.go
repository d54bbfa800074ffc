package tokenclient

import (
	"errors"
	"net/url"
	"strings"
)

// ConnectURL returns the Flinks Connect iframe URL that spends tok, for
// the Client's instance: https://{instance}-iframe.private.fin.ag/v2/?authorizeToken=…,
// followed by params in sorted order. For a Client built WithBaseURL it is
// that base URL + "/v2/?authorizeToken=…", where flinkstest serves a
// stand-in Connect page; WithConnectBaseURL overrides both. It refuses a
// token without a value or past its ExpiresAt, and params that set
// authorizeToken.
func (c *Client) ConnectURL(tok Token, params url.Values) (string, error) {
	return connectURL(c.connect, tok, params)
}

func connectHost(instance string) string {
	return "https://" + strings.ToLower(instance) + "-iframe.private.fin.ag"
}

// connectBase returns the base URL Client.ConnectURL builds on.
func connectBase(o options) (string, error) {
	raw := o.connectURL
	if raw == "" && o.baseURL == "" {
		return connectHost(o.instance), nil // the instance was validated
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

func connectURL(base string, tok Token, params url.Values) (string, error) {
	if tok.Value == "" {
		return "", errors.New("tokenclient: ConnectURL needs a token; call GenerateAuthorizeToken first")
	}
	if !tok.ExpiresAt.IsZero() && !tok.Valid() {
		return "", errors.New("tokenclient: the authorize token has expired; mint a fresh one")
	}
	if params.Has("authorizeToken") {
		return "", invalidConfig("Connect parameters must not set authorizeToken; it comes from the token")
	}
	query := "authorizeToken=" + url.QueryEscape(tok.Value)
	if extra := params.Encode(); extra != "" {
		query += "&" + extra
	}
	return base + "/v2/?" + query, nil
}
