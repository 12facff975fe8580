package job

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"syscall"
	"testing"
	"time"

	"github.com/seatledger/seatledger/load"
)

func TestZZWorkbookProfile(t *testing.T) {
	path := os.Getenv("PROF_DB")
	if path == "" {
		t.Skip()
	}
	ctx := context.Background()
	w, err := load.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	f, _ := os.Create("/tmp/wbjob.prof")
	pprof.StartCPUProfile(f)
	for range 2 {
		var r0, r1 syscall.Rusage
		syscall.Getrusage(0, &r0)
		start := time.Now()
		p, err := writeWorkbook(ctx, w, t.TempDir(), 1, time.Now(), nil)
		if err != nil {
			t.Fatal(err)
		}
		syscall.Getrusage(0, &r1)
		cpu := time.Duration(r1.Utime.Nano() + r1.Stime.Nano() - r0.Utime.Nano() - r0.Stime.Nano())
		fmt.Println("cpu", cpu)
		st, _ := os.Stat(p)
		fmt.Println("workbook", time.Since(start), st.Size())
	}
	pprof.StopCPUProfile()
}
