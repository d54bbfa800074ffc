package tokenclient

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// reflectLeaks walks v as reflection-based dumpers (go-spew, testify's
// diffs) do, into unexported fields, pointers, interfaces, slices and
// maps, and reports every string or byte slice that shows key.
func reflectLeaks(v reflect.Value, key, path string, seen map[uintptr]bool, report func(path, s string)) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || seen[v.Pointer()] {
			return
		}
		seen[v.Pointer()] = true
		reflectLeaks(v.Elem(), key, "(*"+path+")", seen, report)
	case reflect.Interface:
		if !v.IsNil() {
			reflectLeaks(v.Elem(), key, path, seen, report)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			reflectLeaks(v.Field(i), key, path+"."+v.Type().Field(i).Name, seen, report)
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			if s := string(v.Bytes()); showsKey(s, key) {
				report(path, s)
			}
			return
		}
		for i := range v.Len() {
			reflectLeaks(v.Index(i), key, fmt.Sprintf("%s[%d]", path, i), seen, report)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			reflectLeaks(it.Key(), key, path+"{key}", seen, report)
			reflectLeaks(it.Value(), key, path+"{value}", seen, report)
		}
	case reflect.String:
		if showsKey(v.String(), key) {
			report(path, v.String())
		}
	}
}

// assertNoKeyByReflection fails if any field of any value reachable from
// err, exported or not, holds a form of key.
func assertNoKeyByReflection(t *testing.T, err error, key string) {
	t.Helper()
	reflectLeaks(reflect.ValueOf(&err).Elem(), key, "err", map[uintptr]bool{}, func(path, s string) {
		t.Errorf("%s holds the secret key: %q", path, s)
	})
}

// serveRaw answers every connection with respond(n) for its request
// number n, as raw bytes after reading the request head, then closes it.
func serveRaw(t *testing.T, respond func(n int) string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for n := 1; ; n++ {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				br := bufio.NewReader(conn)
				for {
					line, err := br.ReadString('\n')
					if err != nil || line == "\r\n" {
						break
					}
				}
				_, _ = conn.Write([]byte(respond(n)))
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

func rawJSON(status string, body string) string {
	return fmt.Sprintf("HTTP/1.1 %s\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", status, len(body), body)
}

// No field of any error in the chain, reachable by reflection, holds the
// secret key, whatever form the server echoed it in, while errors.Is and
// errors.As still answer as for the original error.
func TestErrorsHoldNoKeyByReflection(t *testing.T) {
	key := testSecretKey
	mixed := keyForms(key)["mixed 1"]
	stall := make(chan struct{})
	t.Cleanup(func() { close(stall) })
	tests := []struct {
		name    string
		respond func(n int) string // nil: the err field is the error
		err     error
		// cancelAtSecond cancels the call's context once the second
		// request arrives; otherwise the call timeout (1s) bounds it.
		cancelAtSecond bool
		is             []error
		timeout        bool // errors.As finds a net.Error whose Timeout() is true
	}{
		{name: "401 echoing the key in upper case", respond: func(int) string {
			return rawJSON("401 Unauthorized", `{"Message":"key `+strings.ToUpper(key)+`","FlinksCode":"`+url.QueryEscape(key)+`"}`)
		}, is: []error{ErrUnauthorized}},
		{name: "malformed status line", respond: func(int) string { return "HTTP/1.1 2x0 " + key + "\r\n\r\n" }},
		{name: "malformed header, mixed encoding", respond: func(int) string { return "HTTP/1.1 200 OK\r\nX " + mixed + "\r\n\r\n" }},
		{name: "bad Content-Length", respond: func(int) string { return "HTTP/1.1 200 OK\r\nContent-Length: " + key + "\r\n\r\n" }},
		{name: "bad Transfer-Encoding", respond: func(int) string { return "HTTP/1.1 200 OK\r\nTransfer-Encoding: " + key + "\r\n\r\n" }},
		{name: "redirect to the key", respond: func(int) string {
			return "HTTP/1.1 302 Found\r\nLocation: https://evil.example/?k=" + mixed + "\r\nContent-Length: 0\r\n\r\n"
		}},
		{name: "503 echo, then a stall cut by the call timeout", respond: func(n int) string {
			if n > 1 {
				<-stall
			}
			return rawJSON("503 Service Unavailable", `{"Message":"`+key+`"}`)
		}, is: []error{context.DeadlineExceeded}, timeout: true},
		{name: "503 echo, then a stall cut by the caller", respond: func(n int) string {
			if n > 1 {
				<-stall
			}
			return rawJSON("503 Service Unavailable", `{"Message":"`+key+`"}`)
		}, cancelAtSecond: true, is: []error{context.Canceled}},
		{name: "wrapped deadline", err: fmt.Errorf("echo %s: %w", key, context.DeadlineExceeded), is: []error{context.DeadlineExceeded}},
		{name: "joined", err: errors.Join(errors.New(mixed), context.Canceled), is: []error{context.Canceled}},
		{name: "net error timeout", err: &net.OpError{Op: "read", Net: "tcp", Err: &timeoutErr{"i/o timeout " + key}}, timeout: true},
		{name: "url error", err: &url.Error{Op: "Post", URL: "http://h/v3/" + key, Err: fmt.Errorf("%s: %w", key, context.Canceled)}, is: []error{context.Canceled}},
		{name: "API error", err: &APIError{StatusCode: 401, Message: key, Err: fmt.Errorf("x %s: %w", key, ErrMalformedResponse)}, is: []error{ErrUnauthorized, ErrMalformedResponse}},
		{name: "own Is method", err: fmt.Errorf("w: %w", keyedSentinel{key}), is: []error{ErrUnauthorized}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err
			if tt.respond != nil {
				second := make(chan struct{}, 1)
				base := serveRaw(t, func(n int) string {
					if n == 2 {
						second <- struct{}{}
					}
					return tt.respond(n)
				})
				c := newTestClient(t, base, WithCallTimeout(time.Second),
					WithRetry(RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}))
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				if tt.cancelAtSecond {
					go func() {
						<-second
						cancel()
					}()
				}
				_, err = c.GenerateAuthorizeToken(ctx)
			} else {
				err = newRedactor(key).sanitize(err)
			}
			if err == nil {
				t.Fatal("got no error")
			}
			assertNoKeyByReflection(t, err, key)
			for _, target := range tt.is {
				if !errors.Is(err, target) {
					t.Errorf("errors.Is(%v, %v): got false, want true", err, target)
				}
			}
			if ne, ok := errors.AsType[net.Error](err); tt.timeout && (!ok || !ne.Timeout()) {
				t.Errorf("got %v, want errors.As to find a net.Error with Timeout() true", err)
			}
		})
	}
}

// keyedSentinel matches ErrUnauthorized by its own Is method, not by
// wrapping it.
type keyedSentinel struct{ key string }

func (e keyedSentinel) Error() string        { return "refused " + e.key }
func (e keyedSentinel) Is(target error) bool { return target == ErrUnauthorized }
