package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract/graphsim"
)

// TestPrometheusScrapesServe starts a real Prometheus (the Debian
// package's binary) scraping `seatledger serve` against the simulator,
// with configs/seatledger-alerts.yml loaded (its for: durations cut to 0s
// in a test copy). A seat series must be stored and SeatledgerUnusedSeats
// must fire for a SKU the scrape shows with enough unused seats.
func TestPrometheusScrapesServe(t *testing.T) {
	promBin := tool(t, "prometheus")
	_, cfg, env, _ := simServe(t, 300, graphsim.ServerOptions{})
	p := startServe(t, env, "--config", cfg)
	p.waitLog(`msg="run done"`)

	dir := t.TempDir()
	rules, err := os.ReadFile(filepath.Join(configsDir(t), "seatledger-alerts.yml"))
	if err != nil {
		t.Fatal(err)
	}
	rules = regexp.MustCompile(`(?m)^(\s+)for: \S+$`).ReplaceAll(rules, []byte("${1}for: 0s"))
	writeFile(t, filepath.Join(dir, "rules.yml"), string(rules))
	writeFile(t, filepath.Join(dir, "prometheus.yml"), fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [rules.yml]
scrape_configs:
  - job_name: seatledger
    static_configs: [{targets: ["%s"]}]
`, p.addr))
	addr := freeAddr(t)
	prom := exec.Command(promBin, "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"), "--web.listen-address="+addr, "--log.level=warn")
	promLog, err := os.Create(filepath.Join(dir, "prometheus.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer promLog.Close()
	prom.Stdout, prom.Stderr = promLog, promLog
	if err := prom.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = prom.Process.Kill(); _ = prom.Wait() })
	api := "http://" + addr

	var series []promSample
	waitFor(t, "Prometheus to store seatledger_sku_unused_units", promLog.Name(), func() bool {
		series = promQuery(t, api, `seatledger_sku_unused_units{job="seatledger",tenant="contoso"}`)
		return len(series) > 0
	})
	unused := map[string]float64{}
	for _, s := range series {
		v, _ := s.Value[1].(string)
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("sample %v: %v", s, err)
		}
		unused[s.Metric["sku"]] = n
	}
	if unused["ENTERPRISEPACK"] != 17 {
		t.Errorf("stored seatledger_sku_unused_units{sku=ENTERPRISEPACK}: got %v, want 17 (as scraped, see testdata/serve_metrics.golden)", unused["ENTERPRISEPACK"])
	}
	var firing []map[string]string
	waitFor(t, "SeatledgerUnusedSeats to fire", promLog.Name(), func() bool {
		firing = promAlerts(t, api, "SeatledgerUnusedSeats")
		return len(firing) > 0
	})
	for _, a := range firing {
		if a["tenant"] != "contoso" || unused[a["sku"]] < 5 {
			t.Errorf("firing SeatledgerUnusedSeats %v: want tenant contoso and a SKU with at least 5 unused seats (scraped %v)", a, unused)
		}
	}
}

type promSample struct {
	Metric map[string]string `json:"metric"`
	Value  []any             `json:"value"`
}

// promQuery runs an instant query against Prometheus's HTTP API.
func promQuery(t *testing.T, api, query string) []promSample {
	t.Helper()
	var body struct {
		Data struct {
			Result []promSample `json:"result"`
		} `json:"data"`
	}
	promGet(t, api+"/api/v1/query?query="+url.QueryEscape(query), &body)
	return body.Data.Result
}

// promAlerts returns the labels of the firing alerts named name.
func promAlerts(t *testing.T, api, name string) []map[string]string {
	t.Helper()
	var body struct {
		Data struct {
			Alerts []struct {
				Labels map[string]string `json:"labels"`
				State  string            `json:"state"`
			} `json:"alerts"`
		} `json:"data"`
	}
	promGet(t, api+"/api/v1/alerts", &body)
	var out []map[string]string
	for _, a := range body.Data.Alerts {
		if a.Labels["alertname"] == name && a.State == "firing" {
			out = append(out, a.Labels)
		}
	}
	return out
}

// promGet decodes a Prometheus API answer; a Prometheus not up yet
// decodes to nothing.
func promGet(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
	}
}

// waitFor polls cond until it holds; it fails after two minutes, showing
// Prometheus's log.
func waitFor(t *testing.T, what, logFile string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logFile)
			t.Fatalf("gave up waiting for %s; prometheus log:\n%s", what, log)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
