package bench

import (
	"os"
	"syscall"
)

// childPeakRSS is the peak RSS in bytes of a child process that has
// exited: getrusage's ru_maxrss, which Linux counts in kilobytes.
func childPeakRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss << 10
	}
	return 0
}
