package graphsim

import (
	"encoding/json"
	"testing"
	"time"
)

// TestAppendString: what appendString writes decodes to what
// encoding/json's own encoding decodes to, for plain, escaped, control,
// non-ASCII and invalid UTF-8 input.
func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "plain", `a"b\c`, "tab\tnl\n\x01", "Zoë Ångström 山田 🎉", "bad\xffutf8\xc3", "\xe2\x80\xa8<&>"} {
		var got, want string
		if err := json.Unmarshal(appendString(nil, s), &got); err != nil {
			t.Fatalf("appendString(%q) = %s: not JSON: %v", s, appendString(nil, s), err)
		}
		enc, _ := json.Marshal(s)
		if err := json.Unmarshal(enc, &want); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("appendString(%q) decodes to %q, want %q", s, got, want)
		}
	}
}

// TestAppendTime: appendTime writes what time.AppendFormat does.
func TestAppendTime(t *testing.T) {
	for _, tm := range []time.Time{
		time.Date(2021, 6, 17, 16, 41, 33, 999, time.UTC),
		time.Date(1999, 12, 31, 23, 59, 59, 0, time.FixedZone("x", 3600)),
		time.Date(9, 1, 2, 3, 4, 5, 0, time.UTC),
		time.Date(12345, 1, 2, 3, 4, 5, 0, time.UTC),
	} {
		want := `"` + tm.UTC().Format("2006-01-02T15:04:05Z") + `"`
		if got := string(appendTime(nil, tm)); got != want {
			t.Errorf("appendTime(%v) = %s, want %s", tm, got, want)
		}
	}
	if got := string(appendTime(nil, time.Time{})); got != "null" {
		t.Errorf("appendTime(zero) = %s, want null", got)
	}
}
