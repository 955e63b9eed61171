package schema

import (
	"embed"
	"io/fs"
)

//go:embed clickhouse/*.sql
var clickhouseDDL embed.FS

// ClickHouseMigrations are the versioned DDL files of the cluster analytics
// store (NNNNN_name.sql, statements ending with ";" at the end of a line),
// rooted at their directory. store/clickhouse applies them with its own
// runner: goose's ClickHouse dialect hangs on the 18.16 servers the tests
// use.
var ClickHouseMigrations = func() fs.FS {
	sub, err := fs.Sub(clickhouseDDL, "clickhouse")
	if err != nil {
		panic("schema: " + err.Error())
	}
	return sub
}()
