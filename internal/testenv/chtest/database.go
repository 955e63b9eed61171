package chtest

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// adminTimeout bounds CREATE and DROP DATABASE, so a wedged server fails the
// test with a message instead of hanging until -timeout.
const adminTimeout = 30 * time.Second

// DSN is the clickhouse-go connection string for database as the default
// user over the native protocol on 127.0.0.1:
// clickhouse://default@127.0.0.1:PORT/DATABASE.
func (s *Server) DSN(database string) string {
	u := url.URL{Scheme: "clickhouse", User: url.User("default"), Host: s.Addr(), Path: "/" + database}
	return u.String()
}

// NewDatabase creates an empty database for tb and returns its DSN (see
// DSN). Each test gets its own so tests can run in parallel on one server
// without seeing each other's rows; it is dropped when tb finishes.
func (s *Server) NewDatabase(tb testing.TB) string {
	tb.Helper()
	name := fmt.Sprintf("%s_%d", dbPrefix(tb.Name()), s.dbSeq.Add(1))
	if err := s.admin("CREATE DATABASE " + name); err != nil {
		tb.Fatalf("chtest: create database %s: %v", name, err)
	}
	tb.Cleanup(func() {
		if err := s.admin("DROP DATABASE IF EXISTS " + name); err != nil {
			tb.Errorf("chtest: drop database %s: %v", name, err)
		}
	})
	return s.DSN(name)
}

// connect opens a native connection to database; the driver dials lazily.
func (s *Server) connect(database string) (driver.Conn, error) {
	conn, err := clickhouse.Open(&clickhouse.Options{
		Addr:         []string{s.Addr()},
		Auth:         clickhouse.Auth{Database: database, Username: "default"},
		Protocol:     clickhouse.Native,
		DialTimeout:  2 * time.Second,
		MaxOpenConns: 2,
	})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", s.Addr(), err)
	}
	return conn, nil
}

// admin runs one statement on the default database. A connection per call:
// databases are created rarely and a pool would outlive tests.
func (s *Server) admin(sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()
	conn, err := s.connect("default")
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("%w (server log: %s)", err, s.logPath)
	}
	return nil
}

// dbPrefix turns a test name into a readable identifier, so a leftover
// database in a server log points at its test.
func dbPrefix(testName string) string {
	const maxLen = 40
	var b strings.Builder
	for _, r := range strings.ToLower(testName) {
		if b.Len() >= maxLen {
			break
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 || !(b.String()[0] >= 'a' && b.String()[0] <= 'z') {
		return "chtest_" + b.String()
	}
	return b.String()
}
