package graphsim_test

import (
	"bytes"
	"context"
	"flag"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seatledger/seatledger/extract/graphsim"
)

func TestRegisterFlags(t *testing.T) {
	o := graphsim.DefaultOptions()
	fs := flag.NewFlagSet("graphsim", flag.ContinueOnError)
	o.RegisterFlags(fs)
	err := fs.Parse([]string{"--users", "5000", "--seed", "3", "--latency", "50ms", "--throttle-rate", "0.1",
		"--permissions", "User.Read.All, Reports.Read.All", "--concealed"})
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if o.Users != 5000 || o.Seed != 3 || o.Latency != 50*time.Millisecond || o.ThrottleRate != 0.1 || !o.Concealed {
		t.Errorf("options: got %+v", o)
	}
	if got := strings.Join(o.Permissions, ","); got != "User.Read.All,Reports.Read.All" {
		t.Errorf("permissions: got %s, want User.Read.All,Reports.Read.All", got)
	}
	if so := o.ServerOptions(); so.Latency != o.Latency || so.Seed != 3 || !so.Concealed {
		t.Errorf("ServerOptions: got %+v", so)
	}
}

// syncBuffer is a bytes.Buffer safe for the Run goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRun(t *testing.T) {
	o := graphsim.DefaultOptions()
	o.Users, o.Dir = 10, t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- graphsim.Run(ctx, o, &out) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "client secret") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	for _, want := range []string{`https://127\.0\.0\.1:\d+`, `CA file:\s+\S+graphsim-ca\.pem`, `tenant id:\s+[0-9a-f-]{36}`, `client id:\s+[0-9a-f-]{36}`, `client secret:\s+\S{20,}`} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("output: got %q, want a match for %s", out.String(), want)
		}
	}
}
