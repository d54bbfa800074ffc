package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"github.com/flinkskit/flinks-token-go/tokenclient"
)

// bound is how long a test waits for the server to act on a timeout of a
// second or so: generous for a busy machine, and far below the "forever"
// the test guards against.
const bound = 20 * time.Second

// readTimeout is the -read-timeout of tests whose requests must arrive
// whole in time: long enough for a small request over loopback on a
// starved shared machine (CI's two cores, under -race).
const readTimeout = time.Second

// requestHead is a token request without its blank line; the path comes
// from openapi.yaml so that the tests follow Flinks when it moves.
var requestHead = "POST " + tokenPath(flinkstest.DefaultCustomerID) + " HTTP/1.1\r\n" +
	"Host: localhost\r\nflinks-auth-key: " + flinkstest.DefaultSecretKey +
	"\r\nContent-Type: application/json\r\nAccept: application/json\r\n"

func dial(t *testing.T, base string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(bound))
	return conn
}

// mintOn sends one token request on a new connection and returns the
// connection and the response head.
func mintOn(t *testing.T, base string) (net.Conn, *http.Response) {
	t.Helper()
	conn := dial(t, base)
	if _, err := io.WriteString(conn, requestHead+"\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	return conn, resp
}

// awaitClose reads until the server closes conn, returning what it sent.
func awaitClose(t *testing.T, conn net.Conn) string {
	t.Helper()
	got, err := io.ReadAll(conn)
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		t.Fatalf("the server kept the connection open for %v (read %q)", bound, got)
	}
	return string(got)
}

func TestTrickledRequestIsCut(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out real timeouts; make test runs it")
	}
	tests := []struct {
		name, send, want string // want: the start of the answer, "" for a bare close
	}{
		{"headers never end", requestHead, ""},
		// The fake reads no body (the operation takes none); net/http
		// discards what arrives of it before answering, until the read
		// timeout, and then closes the connection.
		{
			"body never ends",
			requestHead + "Content-Length: 10\r\n\r\n{",
			"HTTP/1.1 200 OK",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, _ := start(t, "-read-timeout", readTimeout.String())
			conn := dial(t, base)
			if _, err := io.WriteString(conn, tt.send); err != nil {
				t.Fatal(err)
			}
			if got := awaitClose(t, conn); !strings.HasPrefix(got, tt.want) {
				t.Errorf("got %q, want an answer starting %q and a closed connection", got, tt.want)
			}
		})
	}
}

func TestIdleConnectionClosed(t *testing.T) {
	base, _ := start(t, "-idle-timeout", "200ms")
	conn, resp := mintOn(t, base)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Close {
		t.Fatalf(
			"got %d (close %v), want 200 on a keep-alive connection",
			resp.StatusCode,
			resp.Close,
		)
	}
	awaitClose(t, conn)
}

func TestEndlessResponseCutByWriteTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out real timeouts; make test runs it")
	}
	base, _ := start(
		t,
		"-oversized-next",
		"1",
		"-oversized-bytes",
		"-1",
		"-read-timeout",
		readTimeout.String(),
		"-write-timeout",
		"300ms",
	)
	_, resp := mintOn(t, base)
	n, err := io.Copy(io.Discard, resp.Body)
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		t.Fatalf("the endless body still streamed after %v (%d bytes)", bound, n)
	}
}

// The read deadline ends when the request has arrived: a deliberate
// latency longer than -read-timeout is still answered. The latency starts
// after the server began reading the request, so the read deadline has
// passed when the answer is written however slowly the machine runs.
func TestLatencyBeyondReadTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out real timeouts; make test runs it")
	}
	base, _ := start(
		t,
		"-read-timeout",
		readTimeout.String(),
		"-latency",
		(2 * readTimeout).String(),
	)
	c, err := tokenclient.New(
		flinkstest.DefaultCustomerID,
		flinkstest.DefaultSecretKey,
		tokenclient.WithBaseURL(base),
		tokenclient.WithRetry(tokenclient.RetryPolicy{MaxAttempts: 1}),
	)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), bound)
	defer cancel()
	if _, err := c.GenerateAuthorizeToken(ctx); err != nil {
		t.Errorf("got %v, want a token after the latency", err)
	}
}

func TestTimeoutFlagsMustBePositive(t *testing.T) {
	for _, flag := range []string{"-read-timeout", "-write-timeout", "-idle-timeout"} {
		err := run(
			context.Background(),
			[]string{flag, "0s"},
			func(string) string { return "" },
			io.Discard,
			io.Discard,
			nil,
		)
		if exitCode(err) != 2 || !strings.Contains(fmt.Sprint(err), "must be positive") {
			t.Errorf("%s 0s: got %v, want a usage error", flag, err)
		}
	}
}
