package graphsim_test

import (
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/seatledger/seatledger/extract"
	"github.com/seatledger/seatledger/extract/graphsim"
)

// BenchmarkGenerate1M generates a million-user tenant; heap-inuse-MB shows
// that memory stays flat (users are never held).
func BenchmarkGenerate1M(b *testing.B) {
	b.ReportAllocs()
	var tn *graphsim.Tenant
	for b.Loop() {
		tn = graphsim.Generate(graphsim.GenOptions{Users: 1_000_000, Seed: 1, Now: fixedNow})
	}
	b.ReportMetric(float64(1_000_000*b.N)/b.Elapsed().Seconds(), "users/s")
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(m.HeapInuse)/(1<<20), "heap-inuse-MB")
	runtime.KeepAlive(tn)
}

// BenchmarkUser rebuilds single users of a million-user tenant, the cost
// behind every page.
func BenchmarkUser(b *testing.B) {
	tn := graphsim.Generate(graphsim.GenOptions{Users: 1_000_000, Seed: 1, Now: fixedNow})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_ = tn.User(i % 1_000_000)
		i += 7919
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "users/s")
}

// BenchmarkServeUsersPage serves 999-user pages of a million-user tenant
// with seatledger's $select over real HTTPS (client time included).
func BenchmarkServeUsersPage(b *testing.B) {
	s := startSim(b, 1_000_000, graphsim.ServerOptions{})
	tok := s.token()
	path := "/v1.0/users?$top=999&$select=" + joinSelect()
	_, data := s.do(http.MethodGet, path, tok, nil)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		resp, _ := s.do(http.MethodGet, path, tok, nil)
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("got %d", resp.StatusCode)
		}
	}
	b.ReportMetric(float64(999*b.N)/b.Elapsed().Seconds(), "users/s")
}

func joinSelect() string { return strings.Join(extract.UserSelect, ",") }

// BenchmarkReportDownload streams the usage report of a 100,000-user
// tenant over HTTPS. Rows are rendered one at a time into a 64 KiB
// buffer: allocations are per-row garbage, nothing holds the report.
func BenchmarkReportDownload(b *testing.B) {
	s := startSim(b, 100_000, graphsim.ServerOptions{})
	tok := s.token()
	b.ReportAllocs()
	var size int
	for b.Loop() {
		resp, _ := s.do(http.MethodGet, "/v1.0/reports/getOffice365ActiveUserDetail(period='D7')", tok, nil)
		dl, err := s.client.Get(resp.Header.Get("Location"))
		if err != nil {
			b.Fatalf("download: %v", err)
		}
		n, err := io.Copy(io.Discard, dl.Body)
		dl.Body.Close()
		if err != nil {
			b.Fatalf("read report: %v", err)
		}
		size = int(n)
	}
	b.SetBytes(int64(size))
	b.ReportMetric(float64(size)/(1<<20), "report-MB")
}

// BenchmarkSignalReportDownload streams each usage-signal report of a
// 100,000-user tenant (Copilot on a third of the suite holders) over
// HTTPS: rows are built on the fly like the Office 365 report's.
func BenchmarkSignalReportDownload(b *testing.B) {
	s := serveTenant(b, graphsim.Generate(graphsim.GenOptions{Users: 100_000, Seed: 1, Now: fixedNow, CopilotSeats: 0.3}), graphsim.ServerOptions{})
	tok := s.token()
	for _, rep := range signalReports {
		b.Run(rep.name, func(b *testing.B) {
			b.ReportAllocs()
			var size int64
			for b.Loop() {
				resp, err := s.client.Do(mustRequest(b, s.srv.URL()+rep.path, tok))
				if err != nil {
					b.Fatalf("report: %v", err)
				}
				if resp.StatusCode == http.StatusFound {
					resp.Body.Close()
					if resp, err = s.client.Get(resp.Header.Get("Location")); err != nil {
						b.Fatalf("download: %v", err)
					}
				}
				size, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil {
					b.Fatalf("read report: %v", err)
				}
			}
			b.SetBytes(size)
			b.ReportMetric(float64(size)/(1<<20), "report-MB")
		})
	}
}

func mustRequest(b *testing.B, url, tok string) *http.Request {
	b.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		b.Fatalf("new request: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	return req
}
