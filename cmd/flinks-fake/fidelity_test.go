package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/flinkskit/flinks-token-go/flinkstest"
	"github.com/flinkskit/flinks-token-go/internal/openapi"
)

// flinksBody is Flinks' response shape.
type flinksBody struct {
	HttpStatusCode int
	Token          string
	Message        string
	FlinksCode     string
}

// tokenPath fills the spec's path parameter, whatever the spec names it,
// with customerID.
func tokenPath(customerID string) string {
	segs := strings.Split(openapi.MustPath("generateAuthorizeToken"), "/")
	for i, seg := range segs {
		if strings.HasPrefix(seg, "{") {
			segs[i] = customerID
		}
	}
	return strings.Join(segs, "/")
}

// spec401 returns the body flinkstest answers a request without a key
// with: the spec's 401 example, which flinks-fake must answer too.
func spec401(t *testing.T) flinksBody {
	t.Helper()
	rec := httptest.NewRecorder()
	flinkstest.NewHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost,
		tokenPath(flinkstest.DefaultCustomerID), nil))
	var body flinksBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != 401 {
		t.Fatalf(
			"flinkstest without a key: %d %s (%v), want the spec's 401",
			rec.Code,
			rec.Body,
			err,
		)
	}
	return body
}

// TestAnswersAsFlinks sends, over real HTTP, the requests real-world
// client code sends (Python's urllib, .NET and Go's net/http set no Accept;
// a bodyless POST has no Content-Type; a key under the wrong header name)
// and checks flinks-fake answers them as Flinks documents, or, with
// -strict, as a validator of the spec would.
func TestAnswersAsFlinks(t *testing.T) {
	unauthorized := spec401(t)
	tokenPath := tokenPath(flinkstest.DefaultCustomerID)
	tests := []struct {
		name       string
		strict     bool
		headers    map[string]string // "" deletes
		method     string
		wantStatus int
		wantBody   *flinksBody
		wantInMsg  string
		wantLog    string
	}{
		{name: "as the spec says", wantStatus: 200},
		{
			name:       "no Accept, no Content-Type",
			headers:    map[string]string{"Accept": "", "Content-Type": ""},
			wantStatus: 200,
			wantLog:    "header Accept is missing",
		},
		{
			name:       "Accept: application/xml",
			headers:    map[string]string{"Accept": "application/xml"},
			wantStatus: 200,
		},
		{
			name: "key in x-api-key",
			headers: map[string]string{
				"flinks-auth-key": "",
				"x-api-key":       flinkstest.DefaultSecretKey,
			},
			wantStatus: 401,
			wantBody:   &unauthorized,
			wantLog:    "X-Api-Key",
		},
		{
			name: "key as Authorization: Bearer",
			headers: map[string]string{
				"flinks-auth-key": "",
				"Authorization":   "Bearer " + flinkstest.DefaultSecretKey,
			},
			wantStatus: 401,
			wantBody:   &unauthorized,
			wantLog:    "Authorization",
		},
		{
			name:       "no Accept, strict",
			strict:     true,
			headers:    map[string]string{"Accept": ""},
			wantStatus: 400,
			wantInMsg:  "Accept",
		},
		{
			name:       "no Content-Type, strict",
			strict:     true,
			headers:    map[string]string{"Content-Type": ""},
			wantStatus: 400,
			wantInMsg:  "Content-Type",
		},
		{
			name:       "no key, strict",
			strict:     true,
			headers:    map[string]string{"flinks-auth-key": ""},
			wantStatus: 401,
			wantBody:   &unauthorized,
		},
		{name: "GET", method: http.MethodGet, wantStatus: 405, wantInMsg: "POST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var args []string
			if tt.strict {
				args = append(args, "-strict")
			}
			base, logs := start(t, args...)
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			req, err := http.NewRequest(method, base+tokenPath, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("flinks-auth-key", flinkstest.DefaultSecretKey)
			req.Header.Set("Accept", "application/json")
			req.Header.Set("Content-Type", "application/json")
			for k, v := range tt.headers {
				if v == "" {
					req.Header.Del(k)
				} else {
					req.Header.Set(k, v)
				}
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			var b flinksBody
			if err := json.Unmarshal(raw, &b); err != nil ||
				resp.Header.Get("Content-Type") != "application/json" {
				t.Fatalf(
					"got %q (%s), want a JSON body: %v",
					raw,
					resp.Header.Get("Content-Type"),
					err,
				)
			}
			switch {
			case resp.StatusCode != tt.wantStatus:
				t.Errorf("got %d %s, want %d", resp.StatusCode, raw, tt.wantStatus)
			case tt.wantBody != nil && b != *tt.wantBody:
				t.Errorf("got %+v, want the spec's %+v", b, *tt.wantBody)
			case tt.wantStatus == 200 && b.Token == "":
				t.Errorf("got %s, want a token", raw)
			case tt.wantStatus >= 400 && (b.HttpStatusCode != tt.wantStatus || b.FlinksCode == "" ||
				!strings.Contains(b.Message, tt.wantInMsg)):
				t.Errorf(
					"got %+v, want Flinks' shape with HttpStatusCode %d and a Message naming %q",
					b,
					tt.wantStatus,
					tt.wantInMsg,
				)
			}
			if !strings.Contains(logs.String(), tt.wantLog) {
				t.Errorf("logs lack %q:\n%s", tt.wantLog, logs)
			}
			if strings.Contains(logs.String()+string(raw), flinkstest.DefaultSecretKey) {
				t.Errorf("the secret key is in the logs or the body:\n%s\n%s", logs, raw)
			}
		})
	}
}
