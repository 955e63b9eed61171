// Package demogen generates the demo tenant's operational data: ticket
// lifecycles with their SLAs, preventive and corrective maintenance work
// orders and expenses, spread over the organisation's customers, sites,
// contracts, cost centres and teams, with business-hour and weekday
// patterns so that dashboards show structure.
//
// The generator is a small discrete-event simulation: every entity is a
// state machine whose next step is a task on a time-ordered queue, and
// every step emits a full snapshot of the entity (DESIGN.md §4 envelope).
// Generate runs the simulation over a history window and also keeps its
// own account of the data (Totals), so ingest tests can check a store's
// counts and sums exactly; Live keeps the same simulation running in real
// time for `serve --demo --live`.
//
// Output is reproducible: the same Config gives byte-identical data on the
// same Go release (math/rand/v2 PCG streams, no map iteration, no clock).
package demogen
