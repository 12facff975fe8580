package graph_test

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graph"
)

// collect parses body with parse and returns the rows.
func collect[T any](parse func(io.Reader, func(T) error) error, body string) ([]T, error) {
	var rows []T
	err := parse(strings.NewReader(body), func(r T) error {
		rows = append(rows, r)
		return nil
	})
	return rows, err
}

// counter adapts a parser to the fixture table.
func counter[T any](parse func(io.Reader, func(T) error) error) func(string) (int, error) {
	return func(body string) (int, error) {
		rows, err := collect(parse, body)
		return len(rows), err
	}
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return string(data)
}

func ymd(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

var (
	parseCopilot     = counter(graph.ParseCopilotUsageCSV)
	parseApps        = counter(graph.ParseAppsUsageCSV)
	parseActivations = counter(graph.ParseActivationsCSV)
	parseMailbox     = counter(graph.ParseMailboxUsageCSV)
)

// TestSignalDocExamples parses every documented example (testdata/README.md).
func TestSignalDocExamples(t *testing.T) {
	tests := []struct {
		file    string
		parse   func(string) (int, error)
		rows    int
		wantErr string // substring; "" = success
	}{
		{"copilotUsageUserDetail.v1.csv", parseCopilot, 1, ""},
		{"copilotUsageUserDetail.v1.from-json-example.csv", parseCopilot, 1, ""},
		{"copilotUsageUserDetail.beta-old.csv", parseCopilot, 0, ""},
		{"copilotUsageUserDetail.beta-old.from-json-example.csv", parseCopilot, 1, ""},
		{"m365AppUserDetail.v1.csv", parseApps, 0, ""},
		{"m365AppUserDetail.from-json-example.csv", parseApps, 1, ""},
		{"office365ActivationsUserDetail.v1.csv", parseActivations, 0, ""},
		{"office365ActivationsUserDetail.from-json-example.csv", parseActivations, 1, ""},
		{"office365ActivationsUserDetail.pnp-cli-sample.csv", parseActivations, 2, ""},
		{"mailboxUsageDetail.beta.csv", parseMailbox, 0, ""},
		{"mailboxUsageDetail.from-json-example.csv", parseMailbox, 1, ""},
		// The v1.0 page's example header omits two of the columns the same
		// page lists (Has Archive, Deleted Item Quota): both optional.
		{"mailboxUsageDetail.v1.csv", parseMailbox, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			n, err := tt.parse(fixture(t, tt.file))
			checkErr(t, err, tt.wantErr)
			if n != tt.rows {
				t.Errorf("got %d rows, want %d", n, tt.rows)
			}
		})
	}
}

func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("got error %v, want none", err)
	case want != "" && (err == nil || !errors.Is(err, graph.ErrBadReport) || !strings.Contains(err.Error(), want)):
		t.Fatalf("got error %v, want ErrBadReport containing %q", err, want)
	}
}

// TestDocumentedHeaders: the fixtures' headers are the ones package
// extract documents, so the parsers bind the same names.
func TestDocumentedHeaders(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"copilotUsageUserDetail.v1.csv", extract.CopilotUsageColumns},
		{"m365AppUserDetail.v1.csv", extract.AppsUsageColumns},
		{"office365ActivationsUserDetail.v1.csv", extract.ActivationColumns},
		{"mailboxUsageDetail.beta.csv", without(extract.MailboxUsageColumns, "Recipient Type")},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, _, _ := strings.Cut(fixture(t, tt.file), "\n")
			if want := strings.Join(tt.want, ","); got != want {
				t.Errorf("got header %q, want %q", got, want)
			}
		})
	}
}

func without(cols []string, drop string) []string {
	var out []string
	for _, c := range cols {
		if c != drop {
			out = append(out, c)
		}
	}
	return out
}

func TestCopilotUsageValues(t *testing.T) {
	const upn, name = "DC8C64D6EC3A3AA17481D7E5EB5B68A6", "C65E8D8AFA0DAB9639EDFAAEA94AFE66"
	var z time.Time
	tests := []struct {
		file string
		want extract.CopilotUsageRow
	}{
		{"copilotUsageUserDetail.v1.csv", extract.CopilotUsageRow{
			ReportRefreshDate: ymd("2026-07-03"), UserPrincipalName: "E58EEF6A6BBD3D0293CB306D24A42057",
			DisplayName: "6A4630397AAA1A9C8EED362168DC88A0", ReportPeriod: "7",
		}},
		{"copilotUsageUserDetail.v1.from-json-example.csv", extract.CopilotUsageRow{
			ReportRefreshDate: ymd("2025-08-20"), UserPrincipalName: upn, DisplayName: name,
			LastActivityDate: ymd("2025-08-20"),
			// Chat, Teams, Word, Excel, PowerPoint, Outlook, OneNote, Loop
			AppLastActivity: [8]time.Time{ymd("2025-08-16"), ymd("2025-08-20"), ymd("2025-08-06"), z, ymd("2025-03-26"), z, z, z},
			ReportPeriod:    "7",
		}},
		{"copilotUsageUserDetail.beta-old.from-json-example.csv", extract.CopilotUsageRow{
			ReportRefreshDate: ymd("2024-06-26"), UserPrincipalName: upn, DisplayName: name,
			LastActivityDate: ymd("2024-06-12"),
			AppLastActivity:  [8]time.Time{ymd("2024-01-10"), ymd("2024-06-12"), ymd("2024-03-29"), z, ymd("2024-03-26"), z, z, z},
			ReportPeriod:     "7",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rows, err := collect(graph.ParseCopilotUsageCSV, fixture(t, tt.file))
			if err != nil || len(rows) != 1 {
				t.Fatalf("got %d rows, error %v; want 1 row", len(rows), err)
			}
			if !reflect.DeepEqual(rows[0], tt.want) {
				t.Errorf("got %+v, want %+v", rows[0], tt.want)
			}
		})
	}
}

// TestCopilotOldColumnOrder: the v1.0 example row rewritten in the old
// beta report's column order (taken from its documented header) reads
// the same.
func TestCopilotOldColumnOrder(t *testing.T) {
	v1 := fixture(t, "copilotUsageUserDetail.v1.from-json-example.csv")
	records, err := csv.NewReader(strings.NewReader(v1)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	value := map[string]string{}
	for i, h := range records[0] {
		value[h] = records[1][i]
	}
	oldHeader, _, _ := strings.Cut(fixture(t, "copilotUsageUserDetail.beta-old.csv"), "\n")
	var oldRow []string
	for _, h := range strings.Split(oldHeader, ",") {
		oldRow = append(oldRow, value[h])
	}
	old := oldHeader + "\n" + strings.Join(oldRow, ",") + "\n"
	want, err := collect(graph.ParseCopilotUsageCSV, v1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := collect(graph.ParseCopilotUsageCSV, old)
	if err != nil {
		t.Fatalf("old order: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("old order: got %+v, want %+v", got, want)
	}
}

func TestAppsUsageValues(t *testing.T) {
	rows, err := collect(graph.ParseAppsUsageCSV, fixture(t, "m365AppUserDetail.from-json-example.csv"))
	if err != nil || len(rows) != 1 {
		t.Fatalf("got %d rows, error %v; want 1 row", len(rows), err)
	}
	Y, N := extract.Yes, extract.No
	want := extract.AppsUsageRow{
		ReportRefreshDate: ymd("2020-06-30"), UserPrincipalName: "admin@contoso.com",
		LastActivationDate: ymd("2020-05-22"), LastActivityDate: ymd("2020-06-30"), ReportPeriod: "7",
		Platform: [4]extract.Tri{Y, N, Y, N},       // Windows, Mac, Mobile, Web
		App:      [6]extract.Tri{N, N, N, N, N, Y}, // Outlook … Teams
		AppPlatform: [6][4]extract.Tri{
			{N, N, N, N}, {N, N, N, N}, {N, N, N, N}, {N, N, N, N}, {N, N, N, N},
			{Y, N, Y, Y}, // Teams: Windows, Mac, Mobile, Web
		},
	}
	if !reflect.DeepEqual(rows[0], want) {
		t.Errorf("got %+v, want %+v", rows[0], want)
	}
}

func TestActivationsValues(t *testing.T) {
	known := func(n int64) extract.Count { return extract.Count{N: n, Known: true} }
	tests := []struct {
		file string
		want []extract.ActivationRow
	}{
		{"office365ActivationsUserDetail.from-json-example.csv", []extract.ActivationRow{{
			ReportRefreshDate: ymd("2017-09-01"), UserPrincipalName: "userprincipalname-value", DisplayName: "displayname-value",
			ProductType: "Project Client", LastActivatedDate: ymd("2017-08-20"),
			Windows: known(5), Mac: known(0), Windows10Mobile: known(0), IOS: known(0), Android: known(2),
			ActivatedOnSharedComputer: extract.Yes,
		}}},
		// A licensed user who never activated: empty date, every count 0.
		{"office365ActivationsUserDetail.pnp-cli-sample.csv", []extract.ActivationRow{
			neverActivated("MICROSOFT 365 APPS FOR ENTERPRISE"), neverActivated("MICROSOFT EXCEL ADVANCED ANALYTICS"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rows, err := collect(graph.ParseActivationsCSV, fixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rows, tt.want) {
				t.Errorf("got %+v, want %+v", rows, tt.want)
			}
		})
	}
}

func neverActivated(product string) extract.ActivationRow {
	zero := extract.Count{Known: true}
	return extract.ActivationRow{
		ReportRefreshDate: ymd("2021-05-25"), UserPrincipalName: "user1@contoso.onmicrosoft.com", DisplayName: "User1",
		ProductType: product, Windows: zero, Mac: zero, Windows10Mobile: zero, IOS: zero, Android: zero,
		ActivatedOnSharedComputer: extract.No,
	}
}

func TestMailboxUsageValues(t *testing.T) {
	known := func(n int64) extract.Count { return extract.Count{N: n, Known: true} }
	base := extract.MailboxUsageRow{
		ReportRefreshDate: ymd("2017-09-01"), UserPrincipalName: "userPrincipalName-value", DisplayName: "displayName-value",
		CreatedDate: ymd("2016-03-30"), LastActivityDate: ymd("2017-09-01"),
		ItemCount: known(138481), StorageUsedBytes: known(10414748704),
		IssueWarningQuotaBytes: known(10522698752), ProhibitSendQuotaBytes: known(10630040576),
		ProhibitSendReceiveBytes: known(10737418240), DeletedItemCount: known(138481),
		DeletedItemSizeBytes: known(10414748704), DeletedItemQuotaBytes: known(107374182400),
		HasArchive: extract.Yes, ReportPeriod: "7",
	}
	doc := fixture(t, "mailboxUsageDetail.from-json-example.csv")
	shared := base
	shared.RecipientType = "Shared"
	tests := []struct {
		name string
		csv  string
		want extract.MailboxUsageRow
	}{
		{"documented example", doc, base},
		{"with Recipient Type before Report Period",
			strings.Replace(strings.Replace(doc, ",Has Archive,", ",Has Archive,Recipient Type,", 1), ",True,7", ",True,Shared,7", 1), shared},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := collect(graph.ParseMailboxUsageCSV, tt.csv)
			if err != nil || len(rows) != 1 {
				t.Fatalf("got %d rows, error %v; want 1 row", len(rows), err)
			}
			if !reflect.DeepEqual(rows[0], tt.want) {
				t.Errorf("got %+v, want %+v", rows[0], tt.want)
			}
		})
	}
}

// TestSignalFullHeaders: a row with every documented column set fills
// every field of the record, so each documented name is bound.
func TestSignalFullHeaders(t *testing.T) {
	text := []string{"User Principal Name", "Display Name", "Product Type", "Recipient Type", "Report Period"}
	tests := []struct {
		name    string
		cols    []string
		numbers []string // the rest are dates ("... Date") or flags
		parse   func(string) (any, error)
	}{
		{"copilot", extract.CopilotUsageColumns, nil, first(graph.ParseCopilotUsageCSV)},
		{"apps", extract.AppsUsageColumns, nil, first(graph.ParseAppsUsageCSV)},
		{"activations", extract.ActivationColumns,
			[]string{"Windows", "Mac", "Windows 10 Mobile", "iOS", "Android"}, first(graph.ParseActivationsCSV)},
		{"mailbox", extract.MailboxUsageColumns, []string{"Item Count", "Storage Used (Byte)",
			"Issue Warning Quota (Byte)", "Prohibit Send Quota (Byte)", "Prohibit Send/Receive Quota (Byte)",
			"Deleted Item Count", "Deleted Item Size (Byte)", "Deleted Item Quota (Byte)"}, first(graph.ParseMailboxUsageCSV)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vals := make([]string, len(tt.cols))
			for i, h := range tt.cols {
				switch {
				case slices.Contains(text, h):
					vals[i] = "x"
				case slices.Contains(tt.numbers, h):
					vals[i] = "3"
				case strings.HasSuffix(h, " Date"):
					vals[i] = "2026-11-02"
				default:
					vals[i] = "Yes"
				}
			}
			row, err := tt.parse(strings.Join(tt.cols, ",") + "\n" + strings.Join(vals, ",") + "\n")
			if err != nil {
				t.Fatal(err)
			}
			checkAllSet(t, reflect.ValueOf(row), tt.name)
		})
	}
}

func first[T any](parse func(io.Reader, func(T) error) error) func(string) (any, error) {
	return func(body string) (any, error) {
		rows, err := collect(parse, body)
		if err != nil || len(rows) != 1 {
			return nil, errors.Join(err, errors.New("want exactly 1 row"))
		}
		return rows[0], nil
	}
}

// checkAllSet reports every zero field (array element) of v.
func checkAllSet(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.Struct:
		if _, ok := v.Interface().(time.Time); !ok {
			for i := range v.NumField() {
				checkAllSet(t, v.Field(i), path+"."+v.Type().Field(i).Name)
			}
			return
		}
	case reflect.Array:
		for i := range v.Len() {
			checkAllSet(t, v.Index(i), path+"["+strconv.Itoa(i)+"]")
		}
		return
	}
	if v.IsZero() {
		t.Errorf("%s: got the zero value, want it set from its column", path)
	}
}

// TestSignalCells: the spellings of dates, flags and counts the reports
// (and the hidden test tenant) use.
func TestSignalCells(t *testing.T) {
	lastActivity := func(cell string) (any, error) {
		rows, err := collect(graph.ParseCopilotUsageCSV, "Report Refresh Date,User Principal Name,Last Activity Date\n2026-11-03,u,"+cell+"\n")
		if len(rows) == 0 {
			return nil, err
		}
		return rows[0].LastActivityDate, err
	}
	windowsFlag := func(cell string) (any, error) {
		rows, err := collect(graph.ParseAppsUsageCSV, "Report Refresh Date,User Principal Name,Last Activity Date,Windows\n2026-11-03,u,,"+cell+"\n")
		if len(rows) == 0 {
			return nil, err
		}
		return rows[0].Platform[0], err
	}
	windowsCount := func(cell string) (any, error) {
		rows, err := collect(graph.ParseActivationsCSV, "Report Refresh Date,User Principal Name,Product Type,Last Activated Date,Windows\n2026-11-03,u,p,,"+cell+"\n")
		if len(rows) == 0 {
			return nil, err
		}
		return rows[0].Windows, err
	}
	isDeleted := func(cell string) (any, error) {
		rows, err := collect(graph.ParseMailboxUsageCSV, "Report Refresh Date,User Principal Name,Storage Used (Byte),Has Archive,Is Deleted\n2026-11-03,u,1,No,"+cell+"\n")
		if len(rows) == 0 {
			return nil, err
		}
		return rows[0].IsDeleted, err
	}
	nov2 := ymd("2026-11-02")
	tests := []struct {
		name    string
		read    func(string) (any, error)
		cell    string
		want    any
		wantErr string
	}{
		{"date", lastActivity, "2026-11-02", nov2, ""},
		{"date empty", lastActivity, "", time.Time{}, ""},
		{"date null", lastActivity, "null", time.Time{}, ""},
		{"date NULL", lastActivity, "NULL", time.Time{}, ""},
		{"date timestamp Z", lastActivity, "2026-11-02T00:00:00Z", nov2, ""},
		{"date timestamp without zone", lastActivity, "2026-11-02T00:00:00", nov2, ""},
		{"date timestamp with offset keeps its date", lastActivity, "2026-11-02T23:30:00+05:00", nov2, ""},
		{"date timestamp with fraction", lastActivity, "2026-11-02T08:15:00.123Z", nov2, ""},
		{"date day first", lastActivity, "02/11/2026", nil, `column "Last Activity Date": want a YYYY-MM-DD date, got "02/11/2026"`},
		{"date bad timestamp", lastActivity, "2026-11-02Tnoon", nil, `got "2026-11-02Tnoon"`},
		{"date impossible", lastActivity, "2026-02-30", nil, `got "2026-02-30"`},
		{"flag Yes", windowsFlag, "Yes", extract.Yes, ""},
		{"flag No", windowsFlag, "No", extract.No, ""},
		{"flag True", windowsFlag, "True", extract.Yes, ""},
		{"flag False", windowsFlag, "False", extract.No, ""},
		{"flag yes", windowsFlag, "yes", extract.Yes, ""},
		{"flag FALSE", windowsFlag, "FALSE", extract.No, ""},
		{"flag 1", windowsFlag, "1", extract.Yes, ""},
		{"flag 0", windowsFlag, "0", extract.No, ""},
		{"flag empty", windowsFlag, "", extract.Unknown, ""},
		{"flag null", windowsFlag, "null", extract.Unknown, ""},
		{"flag Null", windowsFlag, "Null", extract.Unknown, ""},
		{"flag other", windowsFlag, "Y", nil, `column "Windows": want Yes, No, True, False, 1 or 0, got "Y"`},
		{"count", windowsCount, "2", extract.Count{N: 2, Known: true}, ""},
		{"count zero", windowsCount, "0", extract.Count{Known: true}, ""},
		{"count above 2^31", windowsCount, "107374182400", extract.Count{N: 107374182400, Known: true}, ""},
		{"count empty", windowsCount, "", extract.Count{}, ""},
		{"count null", windowsCount, "null", extract.Count{}, ""},
		{"count decimal", windowsCount, "1.5", nil, `column "Windows": want an integer, got "1.5"`},
		{"plain bool True", isDeleted, "True", true, ""},
		{"plain bool empty", isDeleted, "", false, ""},
		{"plain bool null", isDeleted, "null", false, ""},
		{"plain bool other", isDeleted, "deleted", nil, `column "Is Deleted": want Yes, No, True, False, 1 or 0, got "deleted"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.read(tt.cell)
			checkErr(t, err, tt.wantErr)
			if tt.wantErr == "" && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if tt.wantErr != "" && !strings.Contains(err.Error(), "line 2") {
				t.Errorf("got %v, want it to name line 2", err)
			}
		})
	}
}

// TestSignalMalformed: each error names the column and line, wraps
// ErrBadReport and never quotes the principal or display name.
func TestSignalMalformed(t *testing.T) {
	const (
		upn  = "adele.vance@contoso.com"
		name = "Adele Vance"
	)
	copilotHeader := strings.Join(extract.CopilotUsageColumns, ",")
	copilotRow := "2026-11-03," + upn + "," + name + ",2026-11-01,,2026-11-01,2026-10-30,,,,,,90"
	appsHeader := strings.Join(extract.AppsUsageColumns, ",")
	appsRow := "2026-11-03," + upn + ",2026-01-05,2026-11-01,180" + strings.Repeat(",No", 34)
	actHeader := strings.Join(extract.ActivationColumns, ",")
	actRow := "2026-11-03," + upn + "," + name + ",MICROSOFT 365 APPS FOR ENTERPRISE,2026-01-05,2,0,0,1,0,False"
	mbxHeader := strings.Join(extract.MailboxUsageColumns, ",")
	mbxRow := "2026-11-03," + upn + "," + name + ",False,,2020-01-01,2026-11-01,1200,3221225472,,,,5,1024,,False,User,7"
	tests := []struct {
		name    string
		parse   func(string) (int, error)
		csv     string
		rows    int
		wantErr string // "" = success
	}{
		{"BOM and CRLF", parseCopilot, "\xEF\xBB\xBF" + copilotHeader + "\r\n" + copilotRow + "\r\n" + copilotRow + "\r\n", 2, ""},
		{"LF, no final newline", parseApps, appsHeader + "\n" + appsRow, 1, ""},
		{"header only", parseActivations, actHeader + "\r\n", 0, ""},
		{"header padded, other case, non-breaking spaces", parseMailbox,
			" report refresh date ,User\u00A0Principal\u00A0Name,\u00A0Storage Used (Byte),HAS ARCHIVE\n2026-11-03," + upn + ",1,No\n", 1, ""},
		{"extra unknown columns", parseActivations,
			"Tenant Id," + actHeader + ",Future Column\nabc," + actRow + ",whatever\n", 1, ""},
		{"columns reordered", parseCopilot,
			"Report Period,Last Activity Date,User Principal Name,Report Refresh Date\n7,2026-11-01," + upn + ",2026-11-03\n", 1, ""},
		{"empty body", parseCopilot, "", 0, "empty report, no header"},
		{"copilot lacks Last Activity Date", parseCopilot,
			strings.Replace(copilotHeader, ",Last Activity Date,", ",Last Activity,", 1) + "\n", 0, `header lacks column "Last Activity Date"`},
		{"apps lacks User Principal Name", parseApps,
			strings.Replace(appsHeader, "User Principal Name", "UPN", 1) + "\n", 0, `header lacks column "User Principal Name"`},
		{"activations lacks two columns", parseActivations,
			"Report Refresh Date,User Principal Name,Windows\n", 0, `header lacks column "Product Type", "Last Activated Date"`},
		{"mailbox lacks Storage Used", parseMailbox,
			strings.Replace(mbxHeader, "Storage Used (Byte),", "", 1) + "\n", 0, `header lacks column "Storage Used (Byte)"`},
		{"bad copilot date on line 3", parseCopilot,
			copilotHeader + "\n" + copilotRow + "\n" + strings.Replace(copilotRow, "2026-10-30", "30/10/2026", 1) + "\n", 1,
			`line 3: column "Word Copilot Last Activity Date": want a YYYY-MM-DD date, got "30/10/2026"`},
		{"bad apps flag", parseApps,
			appsHeader + "\n" + strings.Replace(appsRow, "180,No", "180,Maybe", 1) + "\n", 0,
			`line 2: column "Windows": want Yes, No, True, False, 1 or 0, got "Maybe"`},
		{"bad activation count", parseActivations,
			actHeader + "\n" + strings.Replace(actRow, ",0,1,0,", ",0,one,0,", 1) + "\n", 0,
			`line 2: column "iOS": want an integer, got "one"`},
		{"bad mailbox storage", parseMailbox,
			mbxHeader + "\n" + strings.Replace(mbxRow, "3221225472", "3 GB", 1) + "\n", 0,
			`line 2: column "Storage Used (Byte)": want an integer, got "3 GB"`},
		{"bad mailbox archive flag", parseMailbox,
			mbxHeader + "\n" + strings.Replace(mbxRow, "False,User", "Archived,User", 1) + "\n", 0,
			`line 2: column "Has Archive": want Yes, No, True, False, 1 or 0, got "Archived"`},
		{"an address in a date column is not quoted", parseCopilot,
			"Report Refresh Date,User Principal Name,Last Activity Date\n2026-11-03,u," + upn + "\n", 0,
			`line 2: column "Last Activity Date": want a YYYY-MM-DD date, got a 23-byte value (not shown)`},
		{"short row", parseCopilot, copilotHeader + "\n2026-11-03," + upn + "\n", 0, `line 2: 2 fields, column "Display Name" missing`},
		{"row longer than the header", parseActivations,
			actHeader + "\n" + strings.Replace(actRow, name, "Vance, Adele", 1) + "\n", 0, "line 2: 12 fields, header has 11"},
		{"broken quoting", parseMailbox, mbxHeader + "\n" + `2026-11-03,"adele"x` + "\n", 0, "line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := tt.parse(tt.csv)
			checkErr(t, err, tt.wantErr)
			if n != tt.rows {
				t.Errorf("got %d rows, want %d", n, tt.rows)
			}
			if err != nil && (strings.Contains(err.Error(), "adele") || strings.Contains(err.Error(), "Adele")) {
				t.Errorf("error %q quotes the principal or display name", err)
			}
		})
	}
}

// BenchmarkParseSignalCSV measures the shared reader on the widest
// signal report (Apps usage, 39 columns) and on the active-user report.
func BenchmarkParseSignalCSV(b *testing.B) {
	const rows = 10000
	apps := strings.Join(extract.AppsUsageColumns, ",") + "\r\n" +
		strings.Repeat("2026-11-03,0F1E2D3C4B5A69788796A5B4C3D2E1F0,2026-01-05,2026-11-01,180"+strings.Repeat(",Yes,No", 17)+"\r\n", rows)
	activity := reportHeader + "\r\n" + strings.Repeat(reportRow+"\r\n", rows)
	tests := []struct {
		name  string
		body  string
		parse func(io.Reader) error
	}{
		{"apps", apps, func(r io.Reader) error {
			return graph.ParseAppsUsageCSV(r, func(extract.AppsUsageRow) error { return nil })
		}},
		{"activity", activity, func(r io.Reader) error {
			return graph.ParseActivityCSV(r, func(extract.ActivityRow) error { return nil })
		}},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			b.SetBytes(int64(len(tt.body)))
			b.ReportAllocs()
			for b.Loop() {
				if err := tt.parse(strings.NewReader(tt.body)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
