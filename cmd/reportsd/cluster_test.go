package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/conductor/reports/domain"
	"github.com/conductor/reports/internal/testenv/chtest"
	"github.com/conductor/reports/internal/testenv/kafkatest"
	"github.com/conductor/reports/internal/testenv/pgtest"
	"github.com/conductor/reports/schema"
	"github.com/conductor/reports/store/clickhouse"
)

// TestServeClusterMode runs reportsd as a cluster node: PostgreSQL
// metadata, events through Kafka (kfake broker, kafka-go client) into
// ClickHouse. Events posted over HTTP arrive in ClickHouse; while
// ClickHouse is down /readyz says so and ingest waits without losing
// anything; when it comes back every event is there exactly once.
func TestServeClusterMode(t *testing.T) {
	pg := pgtest.Shared(t).NewDatabase(t)
	ch := chtest.Start(t)
	chDSN, _ := url.Parse(ch.NewDatabase(t))
	chDB := strings.TrimPrefix(chDSN.Path, "/")
	broker := kafkatest.MustStart(t)
	env := map[string]string{
		"REPORTS_MODE": "cluster", "REPORTS_SECRET": strings.Repeat("k", 40), "REPORTS_LISTEN": "127.0.0.1:0",
		"REPORTS_DATA_DIR": t.TempDir(), "REPORTS_META_DRIVER": "postgres", "REPORTS_META_DSN": pg,
		"REPORTS_STREAM": "kafka", "REPORTS_KAFKA_BROKERS": strings.Join(broker.Addrs(), ","), "REPORTS_KAFKA_PARTITIONS": "3",
		"REPORTS_ANALYTICS_DRIVER": "clickhouse", "REPORTS_CLICKHOUSE_ADDR": ch.Addr(), "REPORTS_CLICKHOUSE_DATABASE": chDB,
		"REPORTS_ADMIN_EMAIL": "ops@cluster.example", "REPORTS_ADMIN_PASSWORD": "cluster-admin-pw", "REPORTS_TENANT_SLUG": "globex",
	}
	base, stdout, _ := startServe(t, nil, env)
	if !strings.Contains(stdout.String(), "analytics clickhouse, stream kafka") {
		t.Fatalf("banner: %s", stdout.String())
	}
	token := loginToken(t, base, "ops@cluster.example", "cluster-admin-pw")

	cat, _ := domain.ParseCatalog(schema.CatalogJSON())
	store, err := clickhouse.Open(context.Background(), clickhouse.Config{Addr: []string{ch.Addr()}, Database: chDB}, cat)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	tenantID := meID(t, base, token)
	post := func(from, n int) {
		var evs []map[string]any
		for i := from; i < from+n; i++ {
			evs = append(evs, map[string]any{"id": fmt.Sprintf("c-%d", i), "tenant_id": "globex", "source": "tickets", "type": "ticket.created",
				"occurred_at": time.Now().UTC().Add(-time.Minute).Format(time.RFC3339), "entity_id": fmt.Sprintf("T-%d", i), "version": 1,
				"data": map[string]any{"status": "open", "created_at": time.Now().UTC().Add(-time.Hour).Format(time.RFC3339), "first_response_minutes": i}})
		}
		body, _ := json.Marshal(evs)
		req, _ := http.NewRequest("POST", base+"/api/events", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 202 {
			t.Fatalf("post events: %v %v", err, resp)
		}
		resp.Body.Close()
	}
	waitRows := func(want int64) {
		deadline := time.Now().Add(60 * time.Second)
		for {
			tot, err := store.SourceTotals(context.Background(), tenantID, "tickets")
			if err == nil && tot.Rows == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("tickets in ClickHouse: %d (%v), want %d", tot.Rows, err, want)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	post(0, 50)
	waitRows(50)

	// ClickHouse goes away: readiness reports it, ingest keeps the batch.
	if err := ch.Pause(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for readyStatus(base) != 503 {
		if time.Now().After(deadline) {
			_ = ch.Resume()
			t.Fatal("/readyz never reported the analytics store down")
		}
		time.Sleep(200 * time.Millisecond)
	}
	post(50, 70) // accepted by Kafka while ClickHouse is down
	time.Sleep(500 * time.Millisecond)
	if err := ch.Resume(); err != nil {
		t.Fatal(err)
	}
	waitRows(120)
	for readyStatus(base) != 200 {
		if time.Now().After(deadline.Add(30 * time.Second)) {
			t.Fatal("/readyz never recovered")
		}
		time.Sleep(200 * time.Millisecond)
	}
	tot, _ := store.SourceTotals(context.Background(), tenantID, "tickets")
	if want := int64(119 * 120 / 2); tot.Sums["first_response_minutes"] != want {
		t.Fatalf("sum %d, want %d: an event was lost or counted twice", tot.Sums["first_response_minutes"], want)
	}
	if err := store.VerifyRollups(context.Background(), tenantID); err != nil {
		t.Fatal(err)
	}
	// The node answers queries from ClickHouse.
	body, _ := json.Marshal(map[string]any{"source": "tickets", "metrics": []any{map[string]any{"agg": "count", "as": "n"},
		map[string]any{"agg": "sum", "field": "first_response_minutes", "as": "s"}}})
	req, _ := http.NewRequest("POST", base+"/api/query", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("query: %v %v", err, resp)
	}
	defer resp.Body.Close()
	var out struct{ Rows [][]float64 }
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if len(out.Rows) != 1 || out.Rows[0][0] != 120 || out.Rows[0][1] != 119*120/2 {
		t.Fatalf("query answer %v", out.Rows)
	}
}

func readyStatus(base string) int {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(base + "/readyz")
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func loginToken(t *testing.T, base, email, pw string) string {
	body, _ := json.Marshal(map[string]string{"email": email, "password": pw})
	resp, err := http.Post(base+"/api/auth/login", "application/json", bytes.NewReader(body))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("login: %v %v", err, resp)
	}
	defer resp.Body.Close()
	var out struct{ Token string }
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return out.Token
}

func meID(t *testing.T, base, token string) string {
	req, _ := http.NewRequest("GET", base+"/api/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Tenant struct{ ID string } `json:"tenant"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return out.Tenant.ID
}

// TestClusterNodesShareSignals runs two nodes on one PostgreSQL, Kafka and
// ClickHouse. A WebSocket on node A watches a KPI; events posted to node B
// (consumed by whichever node the group gave the partition) reach it, and
// a dashboard edited on node B is announced to node A's session, which
// only the control topic can do.
func TestClusterNodesShareSignals(t *testing.T) {
	pg := pgtest.Shared(t).NewDatabase(t)
	ch := chtest.Start(t)
	chDSN, _ := url.Parse(ch.NewDatabase(t))
	broker := kafkatest.MustStart(t)
	env := map[string]string{
		"REPORTS_MODE": "cluster", "REPORTS_SECRET": strings.Repeat("k", 40), "REPORTS_LISTEN": "127.0.0.1:0",
		"REPORTS_META_DRIVER": "postgres", "REPORTS_META_DSN": pg,
		"REPORTS_STREAM": "kafka", "REPORTS_KAFKA_BROKERS": strings.Join(broker.Addrs(), ","), "REPORTS_KAFKA_PARTITIONS": "3",
		"REPORTS_ANALYTICS_DRIVER": "clickhouse", "REPORTS_CLICKHOUSE_ADDR": ch.Addr(),
		"REPORTS_CLICKHOUSE_DATABASE": strings.TrimPrefix(chDSN.Path, "/"), "REPORTS_REALTIME_COALESCE": "50ms",
		"REPORTS_ADMIN_EMAIL": "ops@cluster.example", "REPORTS_ADMIN_PASSWORD": "cluster-admin-pw", "REPORTS_TENANT_SLUG": "globex",
	}
	envA, envB := map[string]string{"REPORTS_DATA_DIR": t.TempDir()}, map[string]string{"REPORTS_DATA_DIR": t.TempDir()}
	for k, v := range env {
		envA[k], envB[k] = v, v
	}
	baseA, _, _ := startServe(t, nil, envA)
	baseB, _, _ := startServe(t, nil, envB)
	a := &e2e{t: t, base: baseA, token: loginToken(t, baseA, "ops@cluster.example", "cluster-admin-pw")}
	b := &e2e{t: t, base: baseB, token: loginToken(t, baseB, "ops@cluster.example", "cluster-admin-pw")}

	var dash struct {
		ID      string `json:"id"`
		Version int64  `json:"version"`
	}
	if code := a.call("POST", "/api/dashboards", map[string]any{"name": "Cluster wall", "realtime_enabled": true}, &dash); code != 201 {
		t.Fatalf("create dashboard: %d", code)
	}
	var w struct{ ID string }
	if code := a.call("POST", "/api/widgets", map[string]any{"dashboard_id": dash.ID, "type": "kpi", "viz": "kpi", "title": "Open",
		"config_json": map[string]any{"query": map[string]any{"source": "tickets", "metrics": []any{map[string]any{"agg": "count", "as": "n"}},
			"filters": []any{map[string]any{"field": "status", "op": "==", "value": "open"}}}}}, &w); code != 201 {
		t.Fatalf("create widget: %d", code)
	}
	c, _, err := websocket.DefaultDialer.Dial(strings.Replace(baseA, "http://", "ws://", 1)+"/realtime",
		http.Header{"Authorization": {"Bearer " + a.token}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.WriteJSON(map[string]any{"type": "SUBSCRIBE", "dashboardId": dash.ID, "widgetIds": []string{w.ID}}); err != nil {
		t.Fatal(err)
	}
	read := func() map[string]any {
		_ = c.SetReadDeadline(time.Now().Add(60 * time.Second))
		var f map[string]any
		if err := c.ReadJSON(&f); err != nil {
			t.Fatalf("read: %v", err)
		}
		return f
	}
	if f := read(); f["type"] != "snapshot" {
		t.Fatalf("first frame %v", f)
	}
	now := time.Now().UTC().Format(time.RFC3339)
	var evs []map[string]any
	for i := range 4 {
		id := fmt.Sprintf("cl-%d", i)
		evs = append(evs, map[string]any{"id": id, "tenant_id": "globex", "source": "tickets", "type": "ticket.created",
			"occurred_at": now, "entity_id": id, "version": 1, "data": map[string]any{"status": "open", "created_at": now}})
	}
	if code := b.call("POST", "/api/events", evs, nil); code != 202 {
		t.Fatalf("post to node B: %d", code)
	}
	for {
		f := read()
		if f["type"] != "delta" {
			continue
		}
		up := f["upsert"].([]any)
		if len(up) == 1 && up[0].([]any)[0].(float64) == 4 {
			break
		}
	}
	if code := b.call("PUT", "/api/dashboards/"+dash.ID, map[string]any{"name": "Cluster wall 2", "version": dash.Version}, nil); code != 200 {
		t.Fatalf("rename on node B: %d", code)
	}
	for {
		if f := read(); f["type"] == "dashboard" {
			if f["dashboardId"] != dash.ID {
				t.Fatalf("dashboard frame %v", f)
			}
			break
		}
	}
}
