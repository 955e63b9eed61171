// Package e2e holds end-to-end tests that assemble the real adapters the
// way cmd/reportsd does (stores, streams, actors, use cases) and check
// whole-system properties: nothing lost, nothing counted twice.
package e2e
