package graphsim

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// A small append-style JSON writer: user pages are written property by
// property in the order Graph uses, a million users without reflection.

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string (UTF-8 kept, controls escaped).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		case c < utf8.RuneSelf:
			b = append(b, c)
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
			continue
		}
		i++
	}
	return append(b, '"')
}

// appendNullString appends s, or null when s is empty.
func appendNullString(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return appendString(b, s)
}

// appendStrings appends a JSON array of strings ([] when empty).
func appendStrings(b []byte, list []string) []byte {
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

// appendTime appends an RFC 3339 UTC timestamp as Graph writes it
// ("2021-06-17T16:41:33Z"), or null for the zero time.
func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, "2006-01-02T15:04:05Z")
	return append(b, '"')
}

func appendBool(b []byte, v bool) []byte { return strconv.AppendBool(b, v) }

// appendKey appends "name": with a leading comma unless first.
func appendKey(b []byte, name string, first bool) []byte {
	if !first {
		b = append(b, ',')
	}
	b = appendString(b, name)
	return append(b, ':')
}

// selectList parses a $select value into property names, trimming spaces;
// empty entries are an error, as in Graph.
func selectList(v string) ([]string, bool) {
	if strings.TrimSpace(v) == "" {
		return nil, true
	}
	parts := strings.Split(v, ",")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
		if parts[i] == "" {
			return nil, false
		}
	}
	return parts, true
}
