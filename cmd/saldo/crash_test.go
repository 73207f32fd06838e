package main

import (
	"bytes"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saldocrm/saldo/adapters/postgres/pgtest"
	"github.com/saldocrm/saldo/adapters/whatsapp/sim"
)

// TestAKilledProcessLosesNoWebhook kills a real `saldo serve` with SIGKILL
// right after it answered a webhook 200, throws away the queued task too,
// and checks that a worker started afterwards still applies the message:
// the delivery was stored before the answer.
func TestAKilledProcessLosesNoWebhook(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the saldo binary")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "saldo")
	build := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	dbURL := pgtest.URL(t)
	redisDB := redisURL(t)
	var lc net.ListenConfig
	l, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())

	migrate := exec.CommandContext(t.Context(), bin, "migrate", "up")
	migrate.Env = append(os.Environ(), "DATABASE_URL="+dbURL)
	out, err = migrate.CombinedOutput()
	require.NoError(t, err, "%s", out)
	serve := exec.CommandContext(t.Context(), bin, "serve")
	serve.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "REDIS_URL="+redisDB, "HTTP_ADDR="+addr, "LOG_LEVEL=error",
		"WHATSAPP_TOKEN="+testToken, "WHATSAPP_PHONE_NUMBER_ID="+testPhoneNumberID, "WHATSAPP_BUSINESS_ACCOUNT_ID="+testWABA,
		"WHATSAPP_APP_SECRET="+testAppSecret, "WHATSAPP_API_BASE=http://127.0.0.1:1")
	stderr := &lockedBuffer{}
	serve.Stderr = stderr
	require.NoError(t, serve.Start())
	t.Cleanup(func() { _ = serve.Process.Kill(); _ = serve.Wait() })
	eventually(t, "saldo serve answers", func() bool {
		resp, err := http.Get("http://" + addr + "/healthz") //nolint:noctx // a start-up poll
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})

	body, err := os.ReadFile("../../adapters/whatsapp/testdata/inbound-text.json")
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, "http://"+addr+"/webhooks/whatsapp", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set(sim.SignatureHeader, sim.Sign(body, testAppSecret))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook answered %d; saldo serve said: %s", resp.StatusCode, stderr.String())
	}

	require.NoError(t, serve.Process.Kill()) // SIGKILL: no shutdown, no cleanup
	_ = serve.Wait()
	// The harshest case: the task it queued is gone as well.
	opt, err := redis.ParseURL(redisDB)
	require.NoError(t, err)
	rc := redis.NewClient(opt)
	require.NoError(t, rc.FlushDB(t.Context()).Err())
	require.NoError(t, rc.Close())

	c := startChannel(t, dbURL)
	c.startWorker(t)
	var conv map[string]any
	eventually(t, "the stored webhook is processed by the new worker", func() bool {
		conv = c.conversationOf(t, "573001234567")
		return conv != nil
	})
	msgs := c.messages(t, conv["id"].(string))
	require.Len(t, msgs, 1)
	assert.Equal(t, "Buenas tardes, ¿cuánto debo?", msgs[0]["text"])
}

// lockedBuffer collects a child process's output while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
