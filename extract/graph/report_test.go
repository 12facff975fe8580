package graph_test

import (
	"errors"
	"github.com/seatledger/seatledger/extract/graph/graphtest"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graph"
)

const reportHeader = "Report Refresh Date,User Principal Name,Display Name,Is Deleted,Deleted Date," +
	"Has Exchange License,Has OneDrive License,Has SharePoint License,Has Skype For Business License,Has Yammer License,Has Teams License," +
	"Exchange Last Activity Date,OneDrive Last Activity Date,SharePoint Last Activity Date,Skype For Business Last Activity Date,Yammer Last Activity Date,Teams Last Activity Date," +
	"Exchange License Assign Date,OneDrive License Assign Date,SharePoint License Assign Date,Skype For Business License Assign Date,Yammer License Assign Date,Teams License Assign Date," +
	"Assigned Products"

const reportRow = "2022-10-23,77E5979DD60BA6EAA53E814DBEEEFA5F,4291DA7C39EE3263E97336B42734A667,False,," +
	"True,True,True,True,True,True,2020-09-12,2022-09-12,2021-10-30,2020-10-30,2019-04-21,2017-09-20," +
	"2021-01-10,2021-01-10,2021-01-10,2021-01-10,2021-01-10,2021-01-10,MICROSOFT 365 E5"

func parseAll(csv string) ([]extract.ActivityRow, error) {
	var rows []extract.ActivityRow
	err := graph.ParseActivityCSV(strings.NewReader(csv), func(r extract.ActivityRow) error {
		rows = append(rows, r)
		return nil
	})
	return rows, err
}

func TestParseActivityCSV(t *testing.T) {
	reordered := strings.Replace(reportHeader, "Report Refresh Date,User Principal Name", "User Principal Name,Report Refresh Date", 1)
	reorderedRow := strings.Replace(reportRow, "2022-10-23,77E5979DD60BA6EAA53E814DBEEEFA5F", "77E5979DD60BA6EAA53E814DBEEEFA5F,2022-10-23", 1)
	tests := []struct {
		name    string
		csv     string
		rows    int
		wantErr string // substring; empty = success
	}{
		{"BOM and CRLF", "\xEF\xBB\xBF" + reportHeader + "\r\n" + reportRow + "\r\n", 1, ""},
		{"LF without BOM", reportHeader + "\n" + reportRow + "\n" + reportRow, 2, ""},
		{"header only", reportHeader + "\r\n", 0, ""},
		{"extra trailing column", reportHeader + ",Extra\n" + reportRow + ",x\n", 1, ""},
		{"columns reordered by name", reordered + "\n" + reorderedRow + "\n", 1, ""},
		{"empty body", "", 0, "empty report"},
		{"missing column", strings.Replace(reportHeader, ",Has Teams License", "", 1) + "\n", 0, `header lacks column "Has Teams License"`},
		{"bad boolean", reportHeader + "\n" + reportRow + "\n" + strings.Replace(reportRow, "False", "Nope", 1), 1, `line 3: column "Is Deleted": want True or False, got "Nope"`},
		{"bad date", reportHeader + "\n" + strings.Replace(reportRow, "2020-09-12", "12/09/2020", 1), 0, `line 2: column "Exchange Last Activity Date": want a YYYY-MM-DD date`},
		{"short row", reportHeader + "\n2022-10-23,ABC\n", 0, "line 2: 2 fields"},
		{"broken quoting", reportHeader + "\n" + `2022-10-23,"AB"C` + "\n", 0, "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := parseAll(tt.csv)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("got %v, want no error", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, graph.ErrBadReport)) {
				t.Fatalf("got %v, want ErrBadReport containing %q", err, tt.wantErr)
			}
			if len(rows) != tt.rows {
				t.Errorf("got %d rows, want %d", len(rows), tt.rows)
			}
			if err == nil && len(rows) > 0 && rows[0].UserPrincipalName != "77E5979DD60BA6EAA53E814DBEEEFA5F" {
				t.Errorf("upn: got %q, want the concealed hash", rows[0].UserPrincipalName)
			}
		})
	}
}

func TestParseReportDate(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{"", time.Time{}, false},
		{"2022-10-23", time.Date(2022, 10, 23, 0, 0, 0, 0, time.UTC), false},
		{"2024-02-29", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), false},
		{"2023-02-29", time.Time{}, true},
		{"23/10/2022", time.Time{}, true},
		{"2022-10-23T00:00:00Z", time.Time{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := graph.ParseReportDate(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error %v", err, tt.wantErr)
			}
			if !got.Equal(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestActivityReportPeriod(t *testing.T) {
	f := graphtest.New(t)
	c := newClient(t, f, graphtest.ClientSecret, nil, nil)
	err := c.ActivityReport(t.Context(), "D8", func(extract.ActivityRow) error { return nil })
	if err == nil || !strings.Contains(err.Error(), `got "D8"`) {
		t.Errorf("got %v, want a period error", err)
	}
}
