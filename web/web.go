// Package web holds the browser UI embedded into the binary: the React +
// TypeScript application of web/src, built by Vite into dist/app (see
// web/dist/README.md). A fresh clone has no build yet, so the Go code still
// compiles and serves a fallback page that says how to build the UI;
// `make build` and `make run` build it first.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist fallback
var files embed.FS

// Built reports whether the binary carries the built UI (not the fallback).
func Built() bool {
	_, err := fs.Stat(files, "dist/app/index.html")
	return err == nil
}

// Static is the UI's files, rooted where the server serves them from:
// index.html and assets/ of the built app, or the fallback page.
func Static() fs.FS {
	dir := "fallback"
	if Built() {
		dir = "dist/app"
	}
	sub, err := fs.Sub(files, dir)
	if err != nil {
		panic("web: " + err.Error())
	}
	return sub
}
