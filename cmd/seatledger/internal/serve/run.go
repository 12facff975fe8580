package serve

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/config"
	"github.com/seatledger/seatledger/cmd/seatledger/internal/metrics"
	"github.com/seatledger/seatledger/load"
)

// startCron schedules the job and, when due, starts a run at once through
// the same wrapped job, so that it too is skipped while another runs and
// recovered from a panic.
func (s *Server) startCron() *cron.Cron {
	c, job := s.newCron()
	c.Start()
	now := s.now()
	next := s.schedule.Next(now)
	if why := s.startupRun(now); why != "" {
		s.log.Info("running at start", "why", why, "next", next)
		s.skipJitter.Store(true) // catching up: no jitter
		go job.Run()
		return c
	}
	s.log.Info("waiting for the schedule", "next", next)
	return c
}

// newCron returns the scheduler, not started, with the job on the
// schedule, and that job as cron wrapped it: behind SkipIfStillRunning and
// Recover (a panic is logged, the daemon goes on).
//
// The order matters: robfig/cron v3.0.1's SkipIfStillRunning hands its
// token back only when the job returns normally (no defer), so with
// Recover outside it one panic would skip every later run. Recover goes
// inside, and the token always comes back.
func (s *Server) newCron() (*cron.Cron, cron.Job) {
	cl := cronLogger{s}
	c := cron.New(cron.WithParser(config.CronParser), cron.WithLocation(time.UTC), cron.WithLogger(cl),
		cron.WithChain(cron.SkipIfStillRunning(cl), cron.Recover(cl)))
	id := c.Schedule(s.schedule, cron.FuncJob(func() { s.runJob(!s.skipJitter.Swap(false)) }))
	return c, c.Entry(id).WrappedJob
}

// startupRun says why a run is due at start, or "" when none is.
func (s *Server) startupRun(now time.Time) string {
	switch s.opts.RunAtStart {
	case RunAtStartAlways:
		return "--run-at-start=always"
	case RunAtStartNever:
		return ""
	}
	s.mu.Lock()
	readErr := s.readErr
	s.mu.Unlock()
	if errors.Is(readErr, load.ErrBusy) {
		s.log.Warn("not running at start: another process is writing the warehouse")
		return ""
	}
	var last []time.Time
	for _, t := range s.wh.State().Tenants {
		last = append(last, t.LastSuccess)
	}
	return runDue(last, period(s.schedule, now), now)
}

// runDue says why a run is due when the oldest of the tenants' last
// successes is more than one period before now ("" when none is due).
// A zero time is a tenant that never succeeded.
func runDue(lastSuccess []time.Time, period time.Duration, now time.Time) string {
	for _, t := range lastSuccess {
		if t.IsZero() {
			return "a tenant has no successful run"
		}
		if now.Sub(t) > period {
			return fmt.Sprintf("a tenant's last success (%s) is older than one schedule period (%s)", t.UTC().Format(time.RFC3339), period)
		}
	}
	return ""
}

// period is the schedule's period at now: the time between its next two
// activations (24h for a daily schedule, 23h or 25h across a DST change
// under CRON_TZ, 72h over a weekend for a weekdays schedule).
func period(sched cron.Schedule, now time.Time) time.Duration {
	t1 := sched.Next(now)
	return sched.Next(t1).Sub(t1)
}

// runJob is the scheduled job (behind cron's Recover and
// SkipIfStillRunning): wait the jitter, when asked, then run once.
func (s *Server) runJob(jitter bool) {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	s.runs.Add(1)
	s.mu.Unlock()
	defer s.runs.Done()
	if d := s.cfg.Schedule.Jitter; jitter && d > 0 {
		wait := rand.N(d)
		s.log.Info("run scheduled, waiting the jitter", "jitter", wait.Round(time.Second))
		select {
		case <-time.After(wait):
		case <-s.stopping:
			return
		}
	}
	s.runOnce()
}

// runOnce runs the job, records its stages and outcome, and refreshes the
// metrics from the warehouse. A panic is recorded as a failed run and
// passed on to cron.Recover.
func (s *Server) runOnce() {
	start := time.Now()
	s.setRunning(true)
	s.job.RunStarted()
	ok := false
	defer func() {
		if r := recover(); r != nil {
			s.finishRun(start, false)
			panic(r)
		}
		s.finishRun(start, ok)
	}()
	s.log.Info("run starting")
	tenants, err := s.tenants(s.runCtx)
	if err == nil {
		err = s.pipeline(s.runCtx, tenants, s.job.StageDone)
	}
	s.setRunning(false)
	if err != nil {
		s.log.Error("run failed", "err", err)
	}
	if s.runCtx.Err() != nil {
		return // shutting down: no refresh
	}
	refreshed := s.refresh(s.runCtx)
	ok = err == nil && refreshed
}

func (s *Server) finishRun(start time.Time, ok bool) {
	end := s.now()
	s.setRunning(false)
	s.job.RunDone(end, time.Since(start), ok)
	s.mu.Lock()
	s.lastRun, s.lastRunOK = end, ok
	s.mu.Unlock()
	s.log.Info("run done", "ok", ok, "seconds", time.Since(start).Round(time.Millisecond).Seconds())
}

func (s *Server) setRunning(v bool) {
	s.mu.Lock()
	s.running = v
	s.mu.Unlock()
}

// refresh reads the latest snapshots read-only into the metrics. A
// missing warehouse is no error (the first run has not happened yet); a
// busy one (another process writes it) keeps the metrics as they were.
func (s *Server) refresh(ctx context.Context) bool {
	start := time.Now()
	err := s.read(ctx)
	s.job.StageDone(metrics.StageRefresh, time.Since(start), err == nil)
	s.mu.Lock()
	s.loaded, s.readErr = true, err
	s.mu.Unlock()
	switch {
	case err == nil:
		s.log.Info("metrics refreshed", "seconds", time.Since(start).Seconds())
	case errors.Is(err, load.ErrBusy):
		s.log.Warn("metrics not refreshed: another process is writing the warehouse", "err", err)
	default:
		s.log.Error("metrics not refreshed", "err", err)
	}
	return err == nil
}

func (s *Server) read(ctx context.Context) error {
	names := make([]string, len(s.cfg.Tenants))
	for i, t := range s.cfg.Tenants {
		names[i] = t.Name
	}
	path := s.cfg.Warehouse.Path
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		st, _ := metrics.Read(ctx, nil, names, s.now())
		s.wh.Set(st)
		return nil
	}
	w, err := load.OpenReadOnly(ctx, path, s.opts.Warehouse...)
	if err != nil {
		return fmt.Errorf("read metrics: %w", err)
	}
	defer w.Close()
	st, err := metrics.Read(ctx, w, names, s.now())
	if err != nil {
		return fmt.Errorf("read metrics from %s: %w", path, err)
	}
	s.wh.Set(st)
	return nil
}

// cronLogger passes robfig/cron's logs to slog: its routine messages at
// debug, a skipped run as a warning (and a metric), a panic as an error.
type cronLogger struct{ s *Server }

func (l cronLogger) Info(msg string, kv ...any) {
	if msg == "skip" {
		l.s.job.RunSkipped()
		l.s.log.Warn("scheduled run skipped: the previous run is still going")
		return
	}
	l.s.log.Debug("cron: "+msg, kv...)
}

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.s.log.Error("cron: "+msg, append([]any{"err", err}, kv...)...)
}
