package graph

import (
	"errors"
	"testing"
)

// TestNextLinkOf pins the read-ahead of @odata.nextLink: found without
// decoding the page when plain, else through the envelope decoding, and
// equal to what full decoding finds either way.
func TestNextLinkOf(t *testing.T) {
	cases := []struct {
		name, body, want string
		quick            bool // found by the byte scan
	}{
		{"after value", `{"value":[{"id":"1"}],"@odata.nextLink":"https://g/v1.0/users?$skiptoken=X"}`, "https://g/v1.0/users?$skiptoken=X", true},
		{"before value", `{"@odata.nextLink" : "https://g/v1.0/users?$skiptoken=Y","value":[]}`, "https://g/v1.0/users?$skiptoken=Y", true},
		{"absent", `{"value":[{"id":"1"}]}`, "", false},
		{"null", `{"@odata.nextLink":null,"value":[]}`, "", false},
		{"escaped", `{"value":[],"@odata.nextLink":"https:\/\/g\/v1.0\/users?$skiptoken=Z"}`, "https://g/v1.0/users?$skiptoken=Z", false},
		{"in a value string", `{"value":[{"displayName":"say \"@odata.nextLink\": \"x\""}]}`, "", false},
		{"nested and top level", `{"value":[{"members":{"@odata.nextLink":"https://g/inner"}}],"@odata.nextLink":"https://g/outer"}`, "https://g/outer", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := nextLinkOf([]byte(tc.body))
			if err != nil {
				t.Fatalf("nextLinkOf: %v", err)
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if _, ok := quickNextLink([]byte(tc.body)); ok != tc.quick {
				t.Errorf("found by the byte scan: got %v, want %v", ok, tc.quick)
			}
			res := pager[wireUser]{endpoint: "users"}.decode(1, []byte(tc.body), got)
			if res.err != nil {
				t.Errorf("decode with the read-ahead link: %v", res.err)
			}
		})
	}
}

// TestNextLinkOfBadJSON: a body that is not JSON is ErrBadResponse.
func TestNextLinkOfBadJSON(t *testing.T) {
	if _, err := nextLinkOf([]byte(`<html>`)); !errors.Is(err, ErrBadResponse) {
		t.Errorf("got %v, want ErrBadResponse", err)
	}
}

// TestDecodeChecksReadAhead: a read-ahead link that full decoding does not
// confirm fails the page rather than walking a wrong chain.
func TestDecodeChecksReadAhead(t *testing.T) {
	res := pager[wireUser]{endpoint: "users"}.decode(2, []byte(`{"value":[],"@odata.nextLink":"https://g/a"}`), "https://g/b")
	if !errors.Is(res.err, ErrBadResponse) {
		t.Errorf("got %v, want ErrBadResponse", res.err)
	}
}
