package graph

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// scanUsersPage decodes a users page in the fixed shape of
// extract.UserSelect without reflection. It accepts only what it can
// decode exactly as json.Unmarshal into page[wireUser] would and reports
// ok=false for anything else (syntax errors, type mismatches, duplicate
// or case-folded keys, invalid UTF-8, very deep nesting), for which the
// caller falls back to encoding/json, so the results and the errors stay
// those of encoding/json (FuzzScanUsersPage checks this).
//
// Strings without escapes are substrings of one copy of the page: a page
// costs one string allocation instead of one per field. Measured on a
// 999-user page (BenchmarkScanUsersPage against BenchmarkParseUsersPage/json):
// 2.5 ms and 7,000 allocations instead of 8.6 ms and 34,000; seatledger bench
// load-1m: about 8 of 40 CPU seconds saved.
func scanUsersPage(data []byte) (pg page[wireUser], ok bool) {
	s := userScanner{data: data, str: string(data)}
	defer func() {
		if r := recover(); r != nil {
			if r != errScan {
				panic(r)
			}
			pg, ok = page[wireUser]{}, false
		}
	}()
	s.page(&pg)
	s.ws()
	if s.i != len(s.data) {
		s.fail()
	}
	return pg, true
}

// scanError is the panic value that unwinds a scan to the fallback.
type scanError struct{}

var errScan any = scanError{}

// userScanner is a strict JSON reader over one page: data and str are
// the same bytes; i is the read position.
type userScanner struct {
	data  []byte
	str   string
	i     int
	depth int
}

// maxSkipDepth bounds the nesting of skipped unknown values (encoding/json
// allows 10,000; deeper pages take the fallback).
const maxSkipDepth = 512

var (
	wireTrue  = true
	wireFalse = false
)

func (s *userScanner) fail() { panic(errScan) }

func (s *userScanner) ws() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte (0 at the end).
func (s *userScanner) peek() byte {
	s.ws()
	if s.i >= len(s.data) {
		return 0
	}
	return s.data[s.i]
}

func (s *userScanner) expect(c byte) {
	if s.peek() != c {
		s.fail()
	}
	s.i++
}

// literal consumes null, true or false if next; it reports which.
func (s *userScanner) literal(word string) bool {
	if s.peek() != word[0] {
		return false
	}
	if !strings.HasPrefix(s.str[s.i:], word) {
		s.fail()
	}
	s.i += len(word)
	return true
}

// rawString reads a string token and returns its content's bounds and
// whether it holds escapes or non-ASCII bytes.
func (s *userScanner) rawString() (start, end int, escaped, nonASCII bool) {
	if s.peek() != '"' {
		s.fail()
	}
	s.i++
	start = s.i
	for s.i < len(s.data) {
		c := s.data[s.i]
		if !stringSpecial[c] {
			s.i++
			continue
		}
		switch {
		case c == '"':
			end = s.i
			s.i++
			return start, end, escaped, nonASCII
		case c == '\\':
			escaped = true
			s.i += 2
			continue
		case c < 0x20:
			s.fail()
		default:
			nonASCII = true
		}
		s.i++
	}
	s.fail()
	return
}

// stringSpecial marks the bytes rawString looks at: the quote, the
// backslash, control characters and non-ASCII bytes.
var stringSpecial = func() (t [256]bool) {
	for c := range t {
		t[c] = c == '"' || c == '\\' || c < 0x20 || c >= 0x80
	}
	return t
}()

// key reads an object key made of plain characters (escaped or non-ASCII
// keys take the fallback) and the colon after it.
func (s *userScanner) key() string {
	start, end, escaped, nonASCII := s.rawString()
	if escaped || nonASCII {
		s.fail()
	}
	s.expect(':')
	return s.str[start:end]
}

// string reads a string value; null leaves *dst unchanged, as
// encoding/json does.
func (s *userScanner) string(dst *string) {
	if s.literal("null") {
		return
	}
	start, end, escaped, nonASCII := s.rawString()
	switch {
	case escaped:
		// Rare: let encoding/json unescape this one token.
		if err := json.Unmarshal(s.data[start-1:end+1], dst); err != nil {
			s.fail()
		}
		return
	case nonASCII && !utf8.Valid(s.data[start:end]):
		s.fail() // encoding/json replaces invalid UTF-8: fall back
	}
	*dst = s.str[start:end]
}

// open consumes the opening '{' or '[' and reports whether the object or
// array has members; close is '}' or ']'.
func (s *userScanner) open(open, close byte) bool {
	s.expect(open)
	if s.peek() == close {
		s.i++
		return false
	}
	return true
}

// more consumes the ',' before another member (true) or the closing
// byte (false).
func (s *userScanner) more(close byte) bool {
	switch s.peek() {
	case ',':
		s.i++
		return true
	case close:
		s.i++
		return false
	}
	s.fail()
	return false
}

// unknown skips the value of a key none of the struct's fields has; a key
// that matches a field case-insensitively takes the fallback.
func (s *userScanner) unknown(key string, fields []string) {
	for _, f := range fields {
		if strings.EqualFold(key, f) {
			s.fail()
		}
	}
	s.skip()
}

// skip validates and skips any JSON value.
func (s *userScanner) skip() {
	switch c := s.peek(); {
	case c == '{':
		s.nest()
		for more := s.open('{', '}'); more; more = s.more('}') {
			s.key()
			s.skip()
		}
		s.depth--
	case c == '[':
		s.nest()
		for more := s.open('[', ']'); more; more = s.more(']') {
			s.skip()
		}
		s.depth--
	case c == '"':
		start, end, escaped, nonASCII := s.rawString()
		if (escaped || nonASCII) && !json.Valid(s.data[start-1:end+1]) {
			s.fail()
		}
	case c == 't' || c == 'f' || c == 'n':
		if !s.literal("true") && !s.literal("false") && !s.literal("null") {
			s.fail()
		}
	case c == '-' || c >= '0' && c <= '9':
		s.number()
	default:
		s.fail()
	}
}

func (s *userScanner) nest() {
	if s.depth++; s.depth > maxSkipDepth {
		s.fail()
	}
}

// number skips a number in JSON's grammar.
func (s *userScanner) number() {
	if s.data[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.data) && s.data[s.i] == '0':
		s.i++
	case s.digits() == 0:
		s.fail()
	}
	if s.i < len(s.data) && s.data[s.i] == '.' {
		s.i++
		if s.digits() == 0 {
			s.fail()
		}
	}
	if s.i < len(s.data) && (s.data[s.i] == 'e' || s.data[s.i] == 'E') {
		s.i++
		if s.i < len(s.data) && (s.data[s.i] == '+' || s.data[s.i] == '-') {
			s.i++
		}
		if s.digits() == 0 {
			s.fail()
		}
	}
}

func (s *userScanner) digits() int {
	n := 0
	for s.i < len(s.data) && s.data[s.i] >= '0' && s.data[s.i] <= '9' {
		s.i++
		n++
	}
	return n
}

// seen marks bit in *mask and takes the fallback on a duplicate key.
func (s *userScanner) seen(mask *uint32, bit uint32) {
	if *mask&bit != 0 {
		s.fail()
	}
	*mask |= bit
}
