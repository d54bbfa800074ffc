package tokenclient

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// trickyKey has what the encoders below treat specially: a literal %XX
// and \uXXXX, '+', a space, '/', a non-BMP rune and case-folding runes.
const trickyKey = `a%41\u0041+b c/🙂Ωé"`

// echoKeys are the keys the echo tests try.
var echoKeys = []string{testSecretKey, oddKey, trickyKey}

// mixedEcho encodes key as a careless server or proxy might echo it: each
// byte independently as itself in either letter case, %XX or \u00XX with
// hex digits in either case, or its JSON short escape; a non-ASCII rune
// also as itself in the other case, or as a JSON \uXXXX (a surrogate pair
// above the BMP). It shares no code with the redactor, so the tests check
// the redactor against an encoder it does not know.
func mixedEcho(rng *rand.Rand, key string) string {
	// \u00XX of a byte above 0x7f is a Latin-1 misreading of UTF-8; one
	// echo uses either it or proper JSON \uXXXX of the rune, as a single
	// encoder would, so that decodeEcho can undo it.
	latin1 := rng.IntN(2) == 0
	var b strings.Builder
	for i := 0; i < len(key); {
		r, size := utf8.DecodeRuneInString(key[i:])
		if size == 1 {
			b.WriteString(echoByte(rng, key[i], latin1))
			i++
			continue
		}
		switch rng.IntN(3) {
		case 0:
			if rng.IntN(2) == 0 {
				r = unicode.ToUpper(r)
			} else {
				r = unicode.ToLower(r)
			}
			b.WriteRune(r)
		case 1:
			for j := range size {
				b.WriteString(echoByte(rng, key[i+j], latin1))
			}
		default:
			if latin1 {
				b.WriteString(key[i : i+size])
				break
			}
			if r1, r2 := utf16.EncodeRune(r); r1 != unicode.ReplacementChar {
				b.WriteString(`\u` + randomHexCase(rng, fmt.Sprintf("%04x", r1)) + `\u` + randomHexCase(rng, fmt.Sprintf("%04x", r2)))
			} else {
				b.WriteString(`\u` + randomHexCase(rng, fmt.Sprintf("%04x", r)))
			}
		}
		i += size
	}
	return b.String()
}

// echoByte encodes one byte of a key in a form chosen at random.
func echoByte(rng *rand.Rand, c byte, latin1 bool) string {
	for {
		switch rng.IntN(5) {
		case 0:
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
				return string([]byte{c ^ byte(rng.IntN(2))*0x20})
			}
			return string([]byte{c})
		case 1:
			return "%" + randomHexCase(rng, fmt.Sprintf("%02x", c))
		case 2:
			if c < 0x80 || latin1 {
				return `\u00` + randomHexCase(rng, fmt.Sprintf("%02x", c))
			}
		case 3:
			switch c {
			case '"', '\\', '/':
				return `\` + string([]byte{c})
			case ' ':
				return "+"
			}
		default:
			return string([]byte{c})
		}
	}
}

func randomHexCase(rng *rand.Rand, hex string) string {
	b := []byte(hex)
	for i, c := range b {
		if 'a' <= c && c <= 'f' && rng.IntN(2) == 0 {
			b[i] = c - 0x20
		}
	}
	return string(b)
}

// decodeEcho undoes, in one pass, the encodings mixedEcho and keyForms
// use: %XX, JSON escapes (\u00XX above 0x7f as a byte when latin1, as a
// rune otherwise) and, when plus, '+' for a space.
func decodeEcho(s string, plus, latin1 bool) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if v, n := hexAt(s, i+1, 2); s[i] == '%' && n > 0 {
			b.WriteByte(byte(v))
			i += 3
			continue
		}
		if strings.HasPrefix(s[i:], `\u`) {
			if v, n := hexAt(s, i+2, 4); n > 0 {
				i += 6
				if v2, n2 := hexAt(s, i+2, 4); utf16.IsSurrogate(rune(v)) && strings.HasPrefix(s[i:], `\u`) && n2 > 0 {
					b.WriteRune(utf16.DecodeRune(rune(v), rune(v2)))
					i += 6
				} else if latin1 && v <= 0xff {
					b.WriteByte(byte(v))
				} else {
					b.WriteRune(rune(v))
				}
				continue
			}
		}
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(`"\/`, s[i+1]) >= 0 {
			b.WriteByte(s[i+1])
			i += 2
			continue
		}
		if s[i] == '+' && plus {
			b.WriteByte(' ')
		} else {
			b.WriteByte(s[i])
		}
		i++
	}
	return b.String()
}

// hexAt parses n hex digits at s[i:], reporting n, or 0 when they are not there.
func hexAt(s string, i, n int) (int, int) {
	if i+n > len(s) {
		return 0, 0
	}
	v := 0
	for _, c := range []byte(s[i : i+n]) {
		switch {
		case '0' <= c && c <= '9':
			v = v*16 + int(c-'0')
		case 'a' <= c && c <= 'f':
			v = v*16 + int(c-'a'+10)
		case 'A' <= c && c <= 'F':
			v = v*16 + int(c-'A'+10)
		default:
			return 0, 0
		}
	}
	return v, n
}

// showsKey reports whether s shows key as is or in any encoding
// decodeEcho undoes, in any letter case, also inside a Go-quoted string
// (net/http quotes a malformed response line). A key with a literal %XX
// or backslash (trickyKey) makes the decoding ambiguous: showsKey finds
// it as is, not mixed with encodings.
func showsKey(s, key string) bool {
	texts := []string{s}
	for i := 0; i < len(s); i++ {
		if lit, err := strconv.QuotedPrefix(s[i:]); s[i] == '"' && err == nil {
			inner, _ := strconv.Unquote(lit)
			texts = append(texts, inner)
		}
	}
	for _, text := range texts {
		if containsFold(text, key) {
			return true
		}
		for _, plus := range []bool{false, true} {
			for _, latin1 := range []bool{false, true} {
				if containsFold(decodeEcho(text, plus, latin1), key) {
					return true
				}
			}
		}
	}
	return false
}

// containsFold is strings.Contains ignoring case, for same-length case
// variants.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// The test's own encoder and decoder agree: every echo decodes back to
// the key, so showsKey can find what mixedEcho hides.
func TestMixedEchoDecodes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, key := range []string{testSecretKey, oddKey} {
		for range 500 {
			if echo := mixedEcho(rng, key); !showsKey(echo, key) {
				t.Fatalf("key %q: showsKey(%q) is false, want true", key, echo)
			}
		}
	}
}

// A key echoed with any mix of literal bytes in any case, %XX and JSON
// escapes, byte by byte, is replaced whole, and the text around it kept;
// a near miss (one rune changed) is left alone.
func TestMixedEchoesAreRedacted(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, key := range echoKeys {
		r := newRedactor(key)
		miss := key[:len(key)-1] + "#" // every key ends in a one-byte rune
		for range 2000 {
			echo := mixedEcho(rng, key)
			if got, want := r.text("<< "+echo+" >>"), "<< "+redacted+" >>"; got != want {
				t.Fatalf("key %q, echo %q: got %q, want %q", key, echo, got, want)
			}
			if !r.leaks("x" + echo) {
				t.Fatalf("key %q: leaks(%q) is false, want true", key, echo)
			}
			near := mixedEcho(rng, miss)
			if got, want := r.text(near), oneLine(near); got != want {
				t.Fatalf("key %q, near miss %q: got %q, want it unchanged", key, near, got)
			}
		}
	}
}
