package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract/graphsim"
)

// servePricing reads the mailbox report besides the Copilot one (so that
// the rightsizing series is scraped), caps one SKU of the tenant (so that
// the limit series is scraped) and prices some of the simulator's SKUs, so
// that the reclaimable cost is not zero. It follows the tenant's auth
// block.
const servePricing = `    signals: [copilot_usage, mailbox_usage]
    limits:
      ENTERPRISEPACK: 1000
pricing:
  currency: USD
  prices:
    - {sku: SPE_E3, unit_price: 36, billing: monthly, term: monthly, effective: 2020-01-01}
    - {sku: SPE_E5, unit_price: 57, billing: monthly, term: annual, effective: 2020-01-01}
    - {sku: ENTERPRISEPACK, unit_price: 23, billing: monthly, term: monthly, effective: 2020-01-01}
`

// simServe starts the simulator and writes a configuration for serve; it
// returns the simulator, the configuration, the environment and the
// warehouse path.
func simServe(t *testing.T, users int, opts graphsim.ServerOptions) (*graphsim.Server, string, []string, string) {
	t.Helper()
	srv, cfg, env, wh := simTenant(t, users, opts)
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(servePricing); err != nil {
		t.Fatal(err)
	}
	return srv, cfg, env, wh
}

// serveProc is a `seatledger serve` process.
type serveProc struct {
	t     *testing.T
	cmd   *exec.Cmd
	addr  string
	lines chan string
	log   strings.Builder
	done  chan struct{}
}

var servingRE = regexp.MustCompile(`msg=serving .*addr=(\S+)`)

// startServe starts the binary's serve command on a free loopback port
// and waits until it listens.
func startServe(t *testing.T, env []string, args ...string) *serveProc {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout = io.Discard
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serveProc{t: t, cmd: cmd, lines: make(chan string, 1024), done: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	m := servingRE.FindStringSubmatch(p.waitLog(`msg=serving`))
	if m == nil {
		t.Fatalf("serve did not say where it listens:\n%s", p.log.String())
	}
	p.addr = m[1]
	return p
}

// waitLog reads the log until a line contains want and returns that line;
// it fails the test when the process ends or a minute passes first.
func (p *serveProc) waitLog(want string) string {
	p.t.Helper()
	deadline := time.After(time.Minute)
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				p.t.Fatalf("serve ended before logging %q:\n%s", want, p.log.String())
			}
			p.log.WriteString(l + "\n")
			if strings.Contains(l, want) {
				return l
			}
		case <-deadline:
			p.t.Fatalf("serve did not log %q within a minute:\n%s", want, p.log.String())
		}
	}
}

// get fetches path from the daemon.
func (p *serveProc) get(path string) (int, string) {
	p.t.Helper()
	resp, err := http.Get("http://" + p.addr + path)
	if err != nil {
		p.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		p.t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, string(b)
}

// stop sends SIGTERM and returns the exit code and the rest of the log.
func (p *serveProc) stop() (int, string) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.t.Fatal(err)
	}
	for l := range p.lines {
		p.log.WriteString(l + "\n")
	}
	err := p.cmd.Wait()
	close(p.done)
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), p.log.String()
	} else if err != nil {
		p.t.Fatal(err)
	}
	return 0, p.log.String()
}

// tool returns the path of an external tool (promtool, prometheus). It
// skips the test when the tool is absent, except in CI (CI set), where
// .ci/run installs it and its absence is a failure.
func tool(t *testing.T, name string) string {
	t.Helper()
	return toolFrom(t, name, "prometheus")
}

// toolFrom is the path of the command name, which the Debian package pkg
// installs: missing, it fails the test in CI (.ci/run installs pkg) and
// skips it elsewhere.
func toolFrom(t *testing.T, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s not found in CI: .ci/run installs the Debian package %s", name, pkg)
	}
	t.Skipf("%s not installed (Debian package %s); CI runs this test", name, pkg)
	return ""
}

// configsDir is the repository's configs/ directory.
func configsDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "configs"))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}
