package tokenclient

import (
	"errors"
	"net/url"
)

// ConnectURL returns the Connect iframe URL spending tok: https://{instance}-iframe.private.fin.ag
// (or WithConnectBaseURL's URL, else WithBaseURL's, where flinkstest serves a stand-in page), then
// /v2/?authorizeToken=… and params sorted. It refuses an empty or expired tok, or an
// authorizeToken param.
func (c *Client) ConnectURL(tok Token, params url.Values) (string, error) {
	if tok.Value == "" {
		return "", errors.New("tokenclient: ConnectURL got an empty token")
	}
	if !tok.ExpiresAt.IsZero() && !tok.Valid() {
		return "", errors.New("tokenclient: the authorize token has expired")
	}
	if params.Has("authorizeToken") {
		return "", invalidConfig("Connect parameters set authorizeToken, which the token sets")
	}
	query := "authorizeToken=" + url.QueryEscape(tok.Value)
	if extra := params.Encode(); extra != "" {
		query += "&" + extra
	}
	return c.connect + "/v2/?" + query, nil
}
