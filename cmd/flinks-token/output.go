package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/flinkskit/flinks-token-go/internal/cli"
	"github.com/flinkskit/flinks-token-go/tokenclient"
)

// printToken prints tok to w, or under -connect-url the Connect URL that
// spends it, alone on its line (or as JSON under -json), so that scripts
// can read it. Under -fake without -json it also writes to label one line
// saying what that is (make demo's output). The client builds the Connect
// URL so that it follows the client's origin: the instance's iframe host,
// or the fake's stand-in Connect page under a base URL.
func printToken(w, label io.Writer, cfg config, client *tokenclient.Client,
	tok tokenclient.Token) error {
	line, what, connect := tok.Value, "an authorize token", ""
	if cfg.connectURL {
		var err error
		if connect, err = client.ConnectURL(tok, cfg.params); err != nil {
			return cli.Wrap(err)
		}
		line, what = connect, "a Connect URL carrying an authorize token"
	}
	if cfg.jsonOut {
		return json.NewEncoder(w).Encode(struct {
			Token      string    `json:"token"`
			ExpiresAt  time.Time `json:"expires_at"`
			ConnectURL string    `json:"connect_url,omitempty"`
		}{tok.Value, tok.ExpiresAt.UTC(), connect})
	}
	if _, err := fmt.Fprintln(w, line); err != nil || !cfg.fake {
		return err
	}
	_, err := fmt.Fprintf(label,
		"flinks-token -fake: above, %s: unused, single-use, expires %s (in %v)\n", what,
		tok.ExpiresAt.UTC().Format(time.RFC3339), time.Until(tok.ExpiresAt).Round(time.Minute))
	return err
}

// exitCode maps err to the exit codes that -h lists.
func exitCode(err error) int {
	var apiErr *tokenclient.APIError
	switch {
	case err == nil:
		return exitOK
	case cli.IsUsage(err), errors.Is(err, tokenclient.ErrInvalidConfig):
		return exitUsage
	case errors.Is(err, tokenclient.ErrUnauthorized):
		return exitUnauthorized
	case errors.Is(err, context.Canceled):
		// Before the *APIError case: an interrupted wait between attempts
		// wraps both context.Canceled and the last attempt's *APIError.
		return exitOther
	case errors.Is(err, context.DeadlineExceeded):
		// Before the *APIError case too: -timeout running out before a
		// retry (a 503's Retry-After past it) wraps the 503's *APIError,
		// but the documented code for a timeout is 5.
		return exitNetwork
	case errors.As(err, &apiErr):
		return exitAPI
	default:
		return exitNetwork
	}
}
