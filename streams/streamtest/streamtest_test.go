package streamtest_test

import (
	"testing"

	"github.com/conductor/reports/app"
	"github.com/conductor/reports/streams/inproc"
	"github.com/conductor/reports/streams/streamtest"
)

// The suite passes on a correct stream; inproc is the one with no setup.
func TestStreamOnInproc(t *testing.T) {
	streamtest.Stream(t, func(t testing.TB) (app.EventPublisher, func() app.EventConsumer) {
		l := inproc.NewLog(0)
		t.Cleanup(func() { _ = l.Close() })
		return l.Publisher(), l.Consumer
	})
}

// The benchmark driver completes and moves every event.
func TestPublishConsumeRuns(t *testing.T) {
	l := inproc.NewLog(1000)
	defer l.Close()
	c := l.Consumer()
	res := testing.Benchmark(func(b *testing.B) {
		streamtest.PublishConsume(b, l.Publisher(), c, 100)
	})
	if res.N == 0 {
		t.Fatal("benchmark did not run")
	}
	if n := l.Len(); n != 0 {
		t.Fatalf("%d events left uncommitted", n)
	}
}
