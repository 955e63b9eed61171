// Package schema holds the contracts and DDL of Conductor Reports: the
// versioned metadata migrations for SQLite and PostgreSQL (goose SQL files),
// embedded so the single binary can migrate its own database.
package schema

import (
	"embed"
	"io/fs"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

//go:embed analytics/sqlite/*.sql
var analyticsSQLite embed.FS

// AnalyticsSQLiteMigrations are the goose migrations of the embedded
// analytics tables (events, entity state, rollups, dead letters), versioned
// apart from the metadata migrations though they share the SQLite file.
var AnalyticsSQLiteMigrations = mustSubOf(analyticsSQLite, "analytics/sqlite")

//go:embed events/envelope.schema.json
var envelopeSchema []byte

// EnvelopeSchema is the JSON Schema (2020-12) of the event envelope, the
// published contract for the modules that produce events.
func EnvelopeSchema() []byte { return append([]byte(nil), envelopeSchema...) }

//go:embed realtime/frames.schema.json
var framesSchema []byte

// FramesSchema is the JSON Schema (2020-12) of the realtime frames sent
// over WebSocket and SSE, client and server.
func FramesSchema() []byte { return append([]byte(nil), framesSchema...) }

//go:embed catalog/catalog.json
var catalogJSON []byte

// CatalogJSON is the source catalogue (sources, fields, hierarchies,
// rollups) that drives validation, the SQL compilers and the UI builder.
// domain.ParseCatalog reads it.
func CatalogJSON() []byte { return append([]byte(nil), catalogJSON...) }

// SQLiteMigrations are the goose migrations of the embedded (SQLite)
// metadata store, rooted at their directory as goose.NewProvider expects.
var SQLiteMigrations = mustSub("migrations/sqlite")

// PostgresMigrations are the goose migrations of the cluster (PostgreSQL)
// metadata store, rooted at their directory.
var PostgresMigrations = mustSub("migrations/postgres")

// mustSub roots fsys at dir. The directories are embedded, so a failure is a
// build mistake and panics at start rather than at the first migration.
func mustSub(dir string) fs.FS { return mustSubOf(migrations, dir) }

func mustSubOf(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic("schema: " + err.Error())
	}
	return sub
}
