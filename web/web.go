// Package web holds the browser UI embedded into the binary. Today it is
// the sign-in page of the foundation; the React + TypeScript application
// (issue 6) builds into the same place.
package web

import (
	"embed"
	"io/fs"
)

//go:embed static
var static embed.FS

// Static is the UI's files, rooted at the site root (index.html, ...).
func Static() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic("web: " + err.Error())
	}
	return sub
}
