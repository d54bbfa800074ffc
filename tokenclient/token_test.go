package tokenclient

import (
	"testing"
	"time"
)

func TestTokenValid(t *testing.T) {
	for _, tc := range []struct {
		tok  Token
		want bool
	}{
		{Token{Value: "t", ExpiresAt: time.Now().Add(time.Minute)}, true},
		{Token{Value: "t", ExpiresAt: time.Now().Add(-time.Nanosecond)}, false},
		{Token{ExpiresAt: time.Now().Add(time.Minute)}, false},
		{Token{Value: "t"}, false},
	} {
		if got := tc.tok.Valid(); got != tc.want {
			t.Errorf("%+v.Valid() = %v", tc.tok, got)
		}
	}
}
