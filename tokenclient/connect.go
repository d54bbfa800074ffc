package tokenclient

import (
	"errors"
	"net/url"
	"strings"
)

// ConnectURL returns the Flinks Connect iframe URL that spends tok:
// https://{instance}-iframe.private.fin.ag/v2/?authorizeToken={tok.Value},
// followed by params (other Connect parameters such as "demo" or
// "redirectUrl", in sorted order). instance must be a single DNS label;
// params must not set authorizeToken. It refuses a token without a value
// or past its ExpiresAt.
func ConnectURL(instance string, tok Token, params url.Values) (string, error) {
	if err := validateInstance(instance); err != nil {
		return "", err
	}
	if tok.Value == "" {
		return "", errors.New("tokenclient: ConnectURL needs a token; call GenerateAuthorizeToken first")
	}
	if !tok.ExpiresAt.IsZero() && !tok.Valid() {
		return "", errors.New("tokenclient: the authorize token has expired; mint a fresh one")
	}
	if params.Has("authorizeToken") {
		return "", invalidConfig("Connect parameters must not set authorizeToken; it comes from the token")
	}
	u := url.URL{
		Scheme:   "https",
		Host:     strings.ToLower(instance) + "-iframe.private.fin.ag",
		Path:     "/v2/",
		RawQuery: "authorizeToken=" + url.QueryEscape(tok.Value),
	}
	if extra := params.Encode(); extra != "" {
		u.RawQuery += "&" + extra
	}
	return u.String(), nil
}
