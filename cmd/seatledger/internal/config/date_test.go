package config_test

import (
	"testing"
	"time"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"go.yaml.in/yaml/v3"
)

func TestDateYAML(t *testing.T) {
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{"plain", "d: 2026-01-31\n", "2026-01-31", false},
		{"quoted", "d: \"2026-01-31\"\n", "2026-01-31", false},
		{"leap day", "d: 2028-02-29\n", "2028-02-29", false},
		{"not leap", "d: 2026-02-29\n", "", true},
		{"timestamp", "d: 2026-01-31T10:00:00Z\n", "", true},
		{"list", "d: [1]\n", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v struct{ D config.Date }
			err := yaml.Unmarshal([]byte(tt.in), &v)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error: got %v, want error %v", err, tt.wantErr)
			}
			if got := v.D.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if !tt.wantErr {
				out, _ := yaml.Marshal(v)
				if got := string(out); got != "d: \"2026-01-31\"\n" && got != "d: "+tt.want+"\n" && got != "d: \""+tt.want+"\"\n" {
					t.Errorf("Marshal: got %q, want the date back", got)
				}
			}
		})
	}
	d := config.NewDate(2026, time.January, 31)
	if got, want := d.Time(), time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("Time: got %v, want %v", got, want)
	}
}

func TestExclusionMatch(t *testing.T) {
	until := config.NewDate(2026, time.June, 30)
	tests := []struct {
		name string
		ex   config.Exclusion
		upn  string
		asOf time.Time
		want bool
	}{
		{"glob case-insensitive", config.Exclusion{UPN: "SVC-*@Contoso.com"}, "svc-backup@contoso.COM", time.Now(), true},
		{"glob no match", config.Exclusion{UPN: "svc-*@contoso.com"}, "alice@contoso.com", time.Now(), false},
		{"no upn selector", config.Exclusion{SKU: "SPE_E3"}, "alice@contoso.com", time.Now(), false},
		{"until last day active", config.Exclusion{UPN: "*", Until: &until}, "a@b", time.Date(2026, 6, 30, 23, 0, 0, 0, time.UTC), true},
		{"until passed", config.Exclusion{UPN: "*", Until: &until}, "a@b", time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.ex.MatchUPN(tt.upn) && tt.ex.ActiveOn(tt.asOf); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPriceActiveOn(t *testing.T) {
	expires := config.NewDate(2026, time.June, 30)
	pr := config.Price{SKU: "SPE_E3", Effective: config.NewDate(2022, time.March, 1), Expires: &expires}
	open := config.Price{SKU: "SPE_E3", Effective: config.NewDate(2026, time.July, 1)}
	tests := []struct {
		name string
		pr   config.Price
		asOf time.Time
		want bool
	}{
		{"day before effective", pr, time.Date(2022, 2, 28, 23, 59, 0, 0, time.UTC), false},
		{"effective day", pr, time.Date(2022, 3, 1, 0, 0, 0, 0, time.UTC), true},
		{"expires day is inclusive", pr, time.Date(2026, 6, 30, 18, 0, 0, 0, time.UTC), true},
		{"day after expires", pr, time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), false},
		{"open-ended far future", open, time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"open-ended before effective", open, time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.pr.ActiveOn(tt.asOf); got != tt.want {
				t.Errorf("ActiveOn(%s): got %v, want %v", tt.asOf.Format(time.RFC3339), got, tt.want)
			}
		})
	}
}

func TestDateAddDays(t *testing.T) {
	tests := []struct {
		name string
		d    config.Date
		n    int
		want string
	}{
		{"back over month end", config.NewDate(2026, time.July, 1), -1, "2026-06-30"},
		{"back over leap day", config.NewDate(2028, time.March, 1), -1, "2028-02-29"},
		{"forward over year end", config.NewDate(2026, time.December, 31), 1, "2027-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.AddDays(tt.n).String(); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}
