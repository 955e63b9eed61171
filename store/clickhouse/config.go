package clickhouse

import (
	"errors"
	"fmt"
	"net"
	"time"
)

// Config says where the analytics database is and how long to wait for it.
// Every zero value takes the default documented on its field, so a zero
// Config reaches a local server's default database.
type Config struct {
	// Addr lists native-protocol endpoints (host:port); the driver picks one
	// per connection. Default ["127.0.0.1:9000"]. The HTTP interface is not
	// supported: 18.16 rejects a parameter current drivers send.
	Addr []string
	// Database holds the tables. Default "default"; it must exist.
	Database string
	// Username defaults to "default"; Password to empty.
	Username, Password string
	// DialTimeout bounds opening one connection. Default 5 s.
	DialTimeout time.Duration
	// ReadTimeout bounds each wait for the server during a query, so a
	// wedged server fails Apply and Ping instead of hanging them. Apply also
	// waits up to twice this for an insert whose outcome it did not see (see
	// doc.go). Default 30 s.
	ReadTimeout time.Duration
	// MaxOpenConns caps the connection pool. Default 8.
	MaxOpenConns int
}

// Defaults of Config's zero fields.
const (
	DefaultAddr         = "127.0.0.1:9000"
	DefaultDatabase     = "default"
	DefaultUsername     = "default"
	DefaultDialTimeout  = 5 * time.Second
	DefaultReadTimeout  = 30 * time.Second
	DefaultMaxOpenConns = 8
)

// MaxIngestBatch is the batch size ingest should grow to on ClickHouse
// while the stream is backed up. Every insert writes a part per table, and
// with random event ids the duplicate lookup reads the whole (tenant_id,
// event_id) key of the log once per batch whatever the batch's size, so
// larger batches cost less per event: measured with random ids, against
// 10,000, 20,000 drained 100,000-event backlogs 8 % faster and 400,000-event
// ones 25 % faster; 40,000 was slower than 20,000 in both (ClusterIngest in
// docs/benchmarks.md). A batch holds up to three rows per
// event, far below max_insert_block_size (1,048,576), so it stays one part.
const MaxIngestBatch = 20_000

// withDefaults fills the zero fields.
func (c Config) withDefaults() Config {
	if len(c.Addr) == 0 {
		c.Addr = []string{DefaultAddr}
	}
	if c.Database == "" {
		c.Database = DefaultDatabase
	}
	if c.Username == "" {
		c.Username = DefaultUsername
	}
	if c.DialTimeout == 0 {
		c.DialTimeout = DefaultDialTimeout
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = DefaultReadTimeout
	}
	if c.MaxOpenConns == 0 {
		c.MaxOpenConns = DefaultMaxOpenConns
	}
	return c
}

// Validate reports every invalid field at once. Zero fields are valid: they
// take their defaults.
func (c Config) Validate() error {
	var errs []error
	for _, a := range c.Addr {
		if _, port, err := net.SplitHostPort(a); err != nil || port == "" {
			errs = append(errs, fmt.Errorf("clickhouse addr %q: want host:port", a))
		}
	}
	if c.Database != "" && !isIdent(c.Database) {
		errs = append(errs, fmt.Errorf("clickhouse database %q: want letters, digits and _", c.Database))
	}
	if c.DialTimeout < 0 || c.ReadTimeout < 0 {
		errs = append(errs, errors.New("clickhouse timeouts must not be negative"))
	}
	if c.MaxOpenConns < 0 {
		errs = append(errs, errors.New("clickhouse max open conns must not be negative"))
	}
	return errors.Join(errs...)
}

// isIdent reports whether s is a plain identifier, safe to splice into SQL
// (database names cannot be bound as parameters).
func isIdent(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i, r := range s {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_'
		if !letter && !(i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
