package pgtest

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// adminTimeout bounds CREATE and DROP DATABASE, so a stuck lock fails the
// test with a message instead of hanging until -timeout.
const adminTimeout = 30 * time.Second

// DSN is the connection string for dbname as the superuser, over TCP to
// 127.0.0.1: the same path production code uses, not the unix socket.
func (s *Server) DSN(dbname string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(serverUser),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)),
		Path:     "/" + dbname,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// NewDatabase creates an empty database for tb and returns its DSN. Each test
// gets its own so tests can run in parallel on one server without seeing each
// other's rows. The database is dropped when tb finishes, even if connections
// are still open (WITH (FORCE)), so a forgotten Close cannot fail the drop.
func (s *Server) NewDatabase(tb testing.TB) string {
	tb.Helper()
	name := fmt.Sprintf("%s_%d", dbPrefix(tb.Name()), s.dbSeq.Add(1))
	ident := pgx.Identifier{name}.Sanitize()
	if err := s.admin("CREATE DATABASE " + ident); err != nil {
		tb.Fatalf("pgtest: create database %s: %v", name, err)
	}
	tb.Cleanup(func() {
		if err := s.admin("DROP DATABASE IF EXISTS " + ident + " WITH (FORCE)"); err != nil {
			tb.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return s.DSN(name)
}

// admin runs one statement on the maintenance database. A connection per
// call, not a pool: CREATE DATABASE is rare and a pool would outlive tests.
func (s *Server) admin(sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.DSN("postgres"))
	if err != nil {
		return fmt.Errorf("connect: %w (server log: %s)", err, s.logPath)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, sql); err != nil {
		return err
	}
	return nil
}

// dbPrefix turns a test name into a readable identifier, so a leftover
// database in a server log points at its test. Truncated to leave room for
// the sequence number within PostgreSQL's 63-byte limit.
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
	if b.Len() == 0 {
		return "pgtest"
	}
	return b.String()
}
