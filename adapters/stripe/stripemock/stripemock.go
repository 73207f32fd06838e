// Package stripemock starts the official stripe-mock server for tests.
package stripemock

import (
	"bufio"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Start runs the official stripe-mock on free loopback ports for the test
// and returns its base URL; it stops when the test ends. The binary is
// $STRIPE_MOCK_BIN or .bin/stripe-mock (make test installs it); without it
// the test is skipped under -short and fails otherwise.
func Start(t testing.TB, secretKey string) string {
	t.Helper()
	bin := os.Getenv("STRIPE_MOCK_BIN")
	if bin == "" {
		bin = filepath.Join(repoRoot(t), ".bin", "stripe-mock")
	}
	if _, err := os.Stat(bin); err != nil { //nolint:gosec // the test tool named by the developer
		if testing.Short() {
			t.Skipf("stripe-mock not found at %s (-short): run `make test` to install it", bin)
		}
		t.Fatalf("stripe-mock not found at %s: run `make test`, which installs the pinned version into .bin (or set STRIPE_MOCK_BIN)", bin)
	}
	// Port 0: the kernel picks free ports at bind time, so no other process
	// can take them between picking and binding; the address is read back
	// from stripe-mock's output. -https-addr is needed too: with -http-addr
	// alone stripe-mock v0.203.0 also serves HTTPS on :12112, which a second
	// instance (a parallel test) cannot bind.
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-http-addr", "127.0.0.1:0", "-https-addr", "127.0.0.1:0") //nolint:gosec // as above
	pr, pw, err := os.Pipe()
	require.NoError(t, err)
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start stripe-mock: %v", err)
	}
	pw.Close()
	var (
		mu     sync.Mutex
		output strings.Builder
		addr   = make(chan string, 1)
	)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			mu.Lock()
			output.WriteString(line + "\n")
			mu.Unlock()
			if a, ok := strings.CutPrefix(line, "Listening for HTTP at address: "); ok {
				addr <- strings.TrimSpace(a)
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		pr.Close()
	})
	fail := func(format string, args ...any) {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("stripe-mock: "+format+"\n%s", append(args, output.String())...)
	}
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case <-time.After(30 * time.Second):
		fail("no HTTP address announced in 30 s")
	}
	// Wait until it answers a request.
	deadline := time.Now().Add(15 * time.Second)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/checkout/sessions/cs_test_ping", nil)
		require.NoError(t, err)
		req.SetBasicAuth(secretKey, "")
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return base
			}
		}
		if time.Now().After(deadline) {
			fail("no answer at %s in 15 s (last error %v)", base, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's directory")
		}
		dir = parent
	}
}
