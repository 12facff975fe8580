package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// StageRefresh is the stage after a run that reads the latest snapshots
// back for /metrics. The stages before it, the other values of the stage
// label, are the job's: job.StageWarehouse, pipeline.StageExtract,
// pipeline.StageTransform and job.StageWorkbook.
const StageRefresh = "refresh"

// Job holds the metrics of the job itself: runs of this process, their
// stages and Graph traffic. Its gauges describe the last run; its counters
// count since the process started.
type Job struct {
	graphRequests  *prometheus.CounterVec
	graphThrottled *prometheus.CounterVec
	runDuration    prometheus.Gauge
	runEnd         prometheus.Gauge
	runSuccess     prometheus.Gauge
	inProgress     prometheus.Gauge
	runs           *prometheus.CounterVec
	skipped        prometheus.Counter
	stageDuration  *prometheus.GaugeVec
	stageSuccess   *prometheus.GaugeVec
}

// Register builds the job metrics and the warehouse collector w, and
// registers them, with the Go runtime and process collectors, on reg.
func Register(reg prometheus.Registerer, w *Warehouse) (*Job, error) {
	opts := func(name, help string) prometheus.Opts {
		return prometheus.Opts{Namespace: "seatledger", Name: name, Help: help}
	}
	j := &Job{
		graphRequests: prometheus.NewCounterVec(prometheus.CounterOpts(opts("graph_requests_total",
			"Microsoft Graph and Entra token HTTP attempts (retries included) by endpoint and status code; code 0: no response.")), []string{"endpoint", "code"}),
		graphThrottled: prometheus.NewCounterVec(prometheus.CounterOpts(opts("graph_throttled_total",
			"Graph HTTP attempts answered 429 Too Many Requests, by endpoint.")), []string{"endpoint"}),
		runDuration: prometheus.NewGauge(prometheus.GaugeOpts(opts("run_duration_seconds",
			"Wall time of the last run of this process, all tenants and stages."))),
		runEnd: prometheus.NewGauge(prometheus.GaugeOpts(opts("last_run_timestamp_seconds",
			"When the last run of this process ended, Unix time; 0 before the first."))),
		runSuccess: prometheus.NewGauge(prometheus.GaugeOpts(opts("last_run_success",
			"1 when the last run of this process succeeded: every stage ok and no tenant failed (degraded counts as ok)."))),
		inProgress: prometheus.NewGauge(prometheus.GaugeOpts(opts("run_in_progress",
			"1 while this process runs the pipeline (the warehouse is then locked)."))),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts(opts("runs_total",
			"Runs of this process by result: success or failure.")), []string{"result"}),
		skipped: prometheus.NewCounter(prometheus.CounterOpts(opts("runs_skipped_total",
			"Scheduled runs skipped because the previous run was still going."))),
		stageDuration: prometheus.NewGaugeVec(prometheus.GaugeOpts(opts("stage_duration_seconds",
			"Wall time of each stage of the last run that reached it.")), []string{"stage"}),
		stageSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts(opts("stage_success",
			"1 when the stage succeeded in the last run that reached it, 0 when it failed.")), []string{"stage"}),
	}
	j.runs.WithLabelValues("success")
	j.runs.WithLabelValues("failure")
	for _, c := range []prometheus.Collector{
		j.graphRequests, j.graphThrottled, j.runDuration, j.runEnd, j.runSuccess, j.inProgress,
		j.runs, j.skipped, j.stageDuration, j.stageSuccess, w,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return j, nil
}

// ObserveGraph counts one Graph attempt; it has graph.Config.Observe's
// signature and is safe for concurrent use.
func (j *Job) ObserveGraph(endpoint string, status int) {
	j.graphRequests.WithLabelValues(endpoint, strconv.Itoa(status)).Inc()
	if status == http.StatusTooManyRequests {
		j.graphThrottled.WithLabelValues(endpoint).Inc()
	} else {
		j.graphThrottled.WithLabelValues(endpoint).Add(0) // the series exists before the first 429
	}
}

// RunStarted marks a run in progress.
func (j *Job) RunStarted() { j.inProgress.Set(1) }

// RunDone records the end of a run that took d.
func (j *Job) RunDone(end time.Time, d time.Duration, ok bool) {
	j.inProgress.Set(0)
	j.runDuration.Set(d.Seconds())
	j.runEnd.Set(unix(end))
	j.runSuccess.Set(b2f(ok))
	if ok {
		j.runs.WithLabelValues("success").Inc()
	} else {
		j.runs.WithLabelValues("failure").Inc()
	}
}

// StageDone records one stage of the current run.
func (j *Job) StageDone(stage string, d time.Duration, ok bool) {
	j.stageDuration.WithLabelValues(stage).Set(d.Seconds())
	j.stageSuccess.WithLabelValues(stage).Set(b2f(ok))
}

// RunSkipped counts a scheduled run skipped because one was running.
func (j *Job) RunSkipped() { j.skipped.Inc() }
