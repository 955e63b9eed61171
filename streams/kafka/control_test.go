package kafka_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/internal/testenv/kafkatest"
	"github.com/conductor/reports/streams/kafka"
)

// heard collects the signals one node's Run hands over.
type heard struct {
	mu   sync.Mutex
	sigs []app.Signal
}

func (h *heard) add(s app.Signal) {
	h.mu.Lock()
	h.sigs = append(h.sigs, s)
	h.mu.Unlock()
}

func (h *heard) texts() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, s := range h.sigs {
		if s.Kind == app.SignalBanner {
			out = append(out, s.Text)
		}
	}
	return out
}

// TestControlTopicReachesEveryNodeInOrder: two nodes on one control topic
// each hear every signal published after they started, their own included,
// in publication order, with the notice's fields intact.
func TestControlTopicReachesEveryNodeInOrder(t *testing.T) {
	broker := kafkatest.MustStart(t)
	cfg := kafka.Config{Brokers: broker.Addrs(), Topic: "control-test"}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := kafka.EnsureTopic(ctx, cfg, 1); err != nil {
		t.Fatal(err)
	}
	nodes := map[string]*kafka.Control{}
	logs := map[string]*heard{}
	var wg sync.WaitGroup
	for _, name := range []string{"a", "b"} {
		c, err := kafka.NewControl(cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		h := &heard{}
		nodes[name], logs[name] = c, h
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.Run(ctx, h.add); err != nil {
				t.Errorf("run %s: %v", name, err)
			}
		}()
	}
	// The readers start at the topic's end once connected: publish a probe
	// until both heard one, then the signals under test.
	for probe := 0; ; probe++ {
		if err := nodes["a"].Publish(ctx, []app.Signal{{Node: "a", Kind: app.SignalBanner, Text: fmt.Sprint("probe", probe)}}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
		if len(logs["a"].texts()) > 0 && len(logs["b"].texts()) > 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("the control readers never started")
		}
	}
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	n := app.ChangeNotice{TenantID: "acme", Source: "tickets", From: at, To: at.Add(time.Hour)}
	if err := nodes["b"].Publish(ctx, []app.Signal{app.NoticeSignal("b", n)}); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if err := nodes["a"].Publish(ctx, []app.Signal{{Node: "a", Kind: app.SignalBanner, Text: fmt.Sprint("m", i)}}); err != nil {
			t.Fatal(err)
		}
	}
	for name, h := range logs {
		deadline := time.Now().Add(20 * time.Second)
		for {
			texts := h.texts()
			if len(texts) >= 5 && fmt.Sprint(texts[len(texts)-5:]) == "[m0 m1 m2 m3 m4]" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("node %s heard %v", name, texts)
			}
			time.Sleep(20 * time.Millisecond)
		}
		h.mu.Lock()
		found := false
		for _, s := range h.sigs {
			if s.Kind == app.SignalNotice {
				found = s.Node == "b" && s.Notice() == n
			}
		}
		h.mu.Unlock()
		if !found {
			t.Errorf("node %s did not hear the notice intact", name)
		}
	}
	cancel()
	wg.Wait()
}
