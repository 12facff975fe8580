package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/tenants"
)

// TestConfigsPromtool runs promtool over the shipped Prometheus files:
// the alert rules' unit tests, the rules themselves and the scrape
// configuration (which loads the rules).
func TestConfigsPromtool(t *testing.T) {
	promtool := tool(t, "promtool")
	dir := configsDir(t)
	for _, args := range [][]string{
		{"test", "rules", "seatledger-alerts_test.yml"},
		{"check", "rules", "seatledger-alerts.yml"},
		{"check", "config", "prometheus.yml"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			cmd := exec.Command(promtool, args...)
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
			}
		})
	}
}

// TestConfigsAlertmanager checks the example route with amtool (Debian
// package prometheus-alertmanager, which .ci/run installs).
func TestConfigsAlertmanager(t *testing.T) {
	amtool := toolFrom(t, "amtool", "prometheus-alertmanager")
	out, err := exec.Command(amtool, "check-config", filepath.Join(configsDir(t), "alertmanager.yml")).CombinedOutput()
	if err != nil {
		t.Errorf("amtool check-config: %v\n%s", err, out)
	}
}

// TestConfigsNameRealSeries: every seatledger_ series that the alert
// rules and the Grafana dashboard use is one that serve exports (the
// golden scrape), so a renamed metric cannot silently blank a panel or
// an alert.
func TestConfigsNameRealSeries(t *testing.T) {
	golden, err := os.ReadFile(filepath.Join("testdata", "serve_metrics.golden"))
	if err != nil {
		t.Fatal(err)
	}
	exported := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^# TYPE (seatledger_\w+)`).FindAllStringSubmatch(string(golden), -1) {
		exported[m[1]] = true
	}
	dir := configsDir(t)
	dash, err := os.ReadFile(filepath.Join(dir, "grafana-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(dash, &d); err != nil {
		t.Fatalf("grafana-dashboard.json: %v", err)
	}
	var exprs []string
	for _, p := range d.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("dashboard panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			exprs = append(exprs, tg.Expr)
		}
	}
	rules, err := os.ReadFile(filepath.Join(dir, "seatledger-alerts.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Groups []struct {
			Rules []struct {
				Expr string `yaml:"expr"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(rules, &r); err != nil {
		t.Fatalf("seatledger-alerts.yml: %v", err)
	}
	for _, g := range r.Groups {
		for _, rule := range g.Rules {
			exprs = append(exprs, rule.Expr)
		}
	}
	nameRE := regexp.MustCompile(`seatledger_\w+`)
	used := 0
	for _, e := range exprs {
		for _, name := range nameRE.FindAllString(e, -1) {
			used++
			if !exported[name] {
				t.Errorf("%q uses %s, which serve does not export", e, name)
			}
		}
	}
	if used < 10 {
		t.Errorf("series used by the dashboard and rules: got %d, want at least 10", used)
	}
}

// TestDeployConfigLoads: the configuration in the Kubernetes ConfigMap is
// valid for this seatledger.
func TestDeployConfigLoads(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(configsDir(t), "deploy", "kubernetes", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	var cm struct {
		Kind string            `yaml:"kind"`
		Data map[string]string `yaml:"data"`
	}
	if err := dec.Decode(&cm); err != nil || cm.Kind != "ConfigMap" {
		t.Fatalf("first document: got kind %q, %v; want a ConfigMap", cm.Kind, err)
	}
	path := filepath.Join(t.TempDir(), "seatledger.yml")
	writeFile(t, path, cm.Data["seatledger.yml"])
	cfg, err := config.Load(path, func(string) string { return "" })
	if err != nil {
		t.Fatalf("config.Load: %v", err)
	}
	if cfg.Serve.Listen != "0.0.0.0:9464" {
		t.Errorf("serve.listen: got %q, want 0.0.0.0:9464 (reachable from Prometheus)", cfg.Serve.Listen)
	}
}

// TestShardsJobConsistent: the Indexed Job example runs one shard per
// completion index, N equal to its completions, and every environment
// override it sets is one this seatledger reads.
func TestShardsJobConsistent(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(configsDir(t), "deploy", "kubernetes", "run-shards-indexed-job.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cj struct {
		Spec struct {
			JobTemplate struct {
				Spec struct {
					CompletionMode string `yaml:"completionMode"`
					Completions    int    `yaml:"completions"`
					Parallelism    int    `yaml:"parallelism"`
					Template       struct {
						Spec struct {
							Containers []struct {
								Args []string `yaml:"args"`
								Env  []struct {
									Name string `yaml:"name"`
								} `yaml:"env"`
							} `yaml:"containers"`
						} `yaml:"spec"`
					} `yaml:"template"`
				} `yaml:"spec"`
			} `yaml:"jobTemplate"`
		} `yaml:"spec"`
	}
	if err := yaml.Unmarshal(raw, &cj); err != nil {
		t.Fatal(err)
	}
	job := cj.Spec.JobTemplate.Spec
	if job.CompletionMode != "Indexed" || job.Completions < 2 || job.Parallelism != job.Completions {
		t.Fatalf("job: got mode %q, completions %d, parallelism %d; want Indexed and equal counts", job.CompletionMode, job.Completions, job.Parallelism)
	}
	c := job.Template.Spec.Containers[0]
	args := strings.Join(c.Args, " ")
	if want := fmt.Sprintf("--shard $(SHARD)/%d", job.Completions); !strings.Contains(args, want) {
		t.Errorf("args %q: want %q", args, want)
	}
	known := map[string]bool{}
	for _, n := range config.Default().EnvNames() {
		known[n] = true
	}
	for _, e := range c.Env {
		if strings.HasPrefix(e.Name, config.EnvPrefix) && !known[e.Name] {
			t.Errorf("env %s: not a seatledger override", e.Name)
		}
	}
	if _, err := tenants.ParseShard(strings.Replace(fmt.Sprintf("$(SHARD)/%d", job.Completions), "$(SHARD)", "0", 1)); err != nil {
		t.Error(err)
	}
}
