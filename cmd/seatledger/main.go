// Command seatledger is a nightly ETL job with an embedded DuckDB warehouse
// for Microsoft 365 licence spend. See README.md for the commands.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/seatledger/seatledger/cmd/seatledger/internal/exit"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "seatledger:", err)
		os.Exit(exit.Code(err))
	}
}
