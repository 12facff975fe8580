package serve

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/seatledger/seatledger/load"
)

// handler serves /metrics, /healthz, /readyz and a small index.
func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{
		Registry: s.reg, ErrorLog: slogPrinter{s}, Timeout: 30 * time.Second,
	}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		checks, ready := s.readiness(s.now())
		if !ready {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		fmt.Fprint(w, checks)
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "seatledger: /metrics /healthz /readyz")
	})
	return mux
}

// readiness runs the /readyz checks and returns their report, one line
// each ("ok ..." or "FAIL ..."), and whether all passed:
//   - config: the configuration is loaded (always, once serving);
//   - metrics: the warehouse has been read once since start (or found
//     absent), so a scrape does not see an empty set;
//   - warehouse: a run is in progress, or the file exists and the last read
//     of it worked or found it busy (another writer), or it does not exist
//     yet but its directory does (before the first run);
//   - last run: the last run of this process did not fail less than one
//     schedule period ago. A failed run makes the daemon unready until a run
//     succeeds or a period passes; its alerts come from the metrics.
//
// The checks never open the warehouse: a probe must not take the file's
// lock from the next run.
func (s *Server) readiness(now time.Time) (string, bool) {
	s.mu.Lock()
	loaded, readErr, running, lastRun, lastOK := s.loaded, s.readErr, s.running, s.lastRun, s.lastRunOK
	s.mu.Unlock()
	var b strings.Builder
	ready := true
	check := func(ok bool, name, detail string) {
		word := "ok"
		if !ok {
			word, ready = "FAIL", false
		}
		fmt.Fprintf(&b, "%s %s: %s\n", word, name, detail)
	}
	check(true, "config", "loaded")
	check(loaded, "metrics", map[bool]string{true: "read from the warehouse", false: "not read yet"}[loaded])
	whOK, whDetail := s.warehouseReachable(running, readErr)
	check(whOK, "warehouse", whDetail)
	p := period(s.schedule, now)
	switch {
	case lastRun.IsZero():
		check(true, "last run", "none yet in this process")
	case lastOK:
		check(true, "last run", "succeeded at "+lastRun.Format(time.RFC3339))
	case now.Sub(lastRun) >= p:
		check(true, "last run", fmt.Sprintf("failed at %s, more than one period (%s) ago", lastRun.Format(time.RFC3339), p))
	default:
		check(false, "last run", fmt.Sprintf("failed at %s (ready again after a successful run or at %s)",
			lastRun.Format(time.RFC3339), lastRun.Add(p).Format(time.RFC3339)))
	}
	return b.String(), ready
}

func (s *Server) warehouseReachable(running bool, readErr error) (bool, string) {
	path := s.cfg.Warehouse.Path
	if running {
		return true, "a run is writing " + path
	}
	_, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if st, derr := os.Stat(filepath.Dir(path)); derr != nil || !st.IsDir() {
			return false, fmt.Sprintf("%s does not exist and neither does its directory", path)
		}
		return true, path + " not created yet: the first run creates it"
	case err != nil:
		return false, err.Error()
	case readErr == nil:
		return true, path
	case errors.Is(readErr, load.ErrBusy):
		return true, path + " is being written by another process"
	default:
		return false, readErr.Error()
	}
}

// slogPrinter is promhttp's error log.
type slogPrinter struct{ s *Server }

func (p slogPrinter) Println(v ...any) { p.s.log.Error("metrics: " + fmt.Sprint(v...)) }
