package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"sync"
	"time"
)

// peakRSS is the process's resident-set high-water mark (VmHWM of
// /proc/self/status) in bytes; 0 where /proc is missing. A fresh child
// process per scenario makes it the scenario's own peak: Linux can reset
// it (/proc/self/clear_refs "5"), but not for every kernel and container.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	return vmHWM(data)
}

// resetPeakRSS resets the process's resident-set high-water mark to its
// current RSS (writing "5" to /proc/self/clear_refs, Linux 4.0 and later;
// see proc(5)), so that a later peakRSS is the peak since now.
func resetPeakRSS() error {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		return fmt.Errorf("reset peak RSS: %w", err)
	}
	return nil
}

// vmHWM parses the VmHWM line ("VmHWM:   123456 kB") of a status file.
func vmHWM(status []byte) int64 {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		rest, ok := bytes.CutPrefix(sc.Bytes(), []byte("VmHWM:"))
		if !ok {
			continue
		}
		f := bytes.Fields(rest)
		if len(f) == 0 {
			return 0
		}
		kb, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil {
			return 0
		}
		return kb << 10
	}
	return 0
}

// heapSampler records the peak of the Go heap (live and not yet swept
// objects, runtime/metrics "/memory/classes/heap/objects:bytes") by
// sampling it; DuckDB's memory is outside the Go heap and shows only in
// the RSS.
type heapSampler struct {
	stop   chan struct{}
	done   sync.WaitGroup
	peak   uint64
	goPeak uint64 // all memory the Go runtime holds from the OS
}

const heapMetric = "/memory/classes/heap/objects:bytes"

func startHeapSampler(every time.Duration) *heapSampler {
	h := &heapSampler{stop: make(chan struct{})}
	h.done.Add(1)
	go func() {
		defer h.done.Done()
		s := []metrics.Sample{{Name: heapMetric}, {Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			metrics.Read(s)
			if s[0].Value.Kind() == metrics.KindUint64 {
				h.peak = max(h.peak, s[0].Value.Uint64())
				h.goPeak = max(h.goPeak, s[1].Value.Uint64()-s[2].Value.Uint64())
			}
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

// Stop ends the sampling and returns the peak in bytes.
func (h *heapSampler) Stop() uint64 {
	close(h.stop)
	h.done.Wait()
	return h.peak
}

// mb formats bytes as MB (2^20) with one decimal.
func mb(b int64) string { return fmt.Sprintf("%.0f MB", float64(b)/(1<<20)) }

// startCPUProfile profiles this process into path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create CPU profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("start CPU profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); _ = f.Close() }, nil
}
