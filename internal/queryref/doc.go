// Package queryref is the reference evaluator of query_json: the meaning of
// a domain.Query over a set of records, written for clarity rather than
// speed, so the SQL compilers (SQLite, ClickHouse) can be checked against it
// in differential tests, and a seeded Generator of random valid queries to
// drive those tests.
//
// # Data
//
// A Dataset holds, per tenant, the rows of every source with the stores'
// semantics: events are distinct by tenant and event id (the first seen
// wins); an entity source's rows are its entities at their highest version
// (on equal versions the first event seen wins); the stream source
// ("events") has one row per distinct event with source, type,
// occurred_at, entity_id and the scope dimensions copied from its data.
//
// # Evaluation order
//
// Rows of the tenant, then the scope (fail closed: a restricted dimension
// the source has no field for keeps no row; NULL is never allowed), then the
// user's filters with SQL's NULL semantics (every comparison, IN and NOT_IN
// with a NULL value is false; EXISTS is "not NULL"; CONTAINS is a
// case-sensitive substring test; BETWEEN is inclusive), then groups,
// metrics, order, offset and limit.
//
// # Result contract
//
// Result.Columns are the group aliases in query order, then the metric
// aliases in query order. A NULL is a nil any. Value types:
//
//   - dimension group: the stored value (string, bool, int64); NULL is its
//     own group.
//   - time group: time.Time in UTC, the start of the bucket in the query's
//     zone: hour = the local hour, day = local midnight (the first instant
//     of the local date when midnight falls in a DST gap), week = the
//     local midnight of the ISO week's Monday, month/quarter/year = the
//     local midnight of their first day. A NULL time is a NULL group.
//   - count, count_distinct: int64 (count_distinct counts non-NULL values).
//   - sum, min, max of an int field: int64; of a decimal field: float64 in
//     natural units (units / 10^scale); min/max of a time field: time.Time
//     in UTC, of a string field: string. NULL when the group has no
//     non-NULL value.
//   - avg, percentile: float64 in natural units; percentile interpolates
//     linearly between the closest ranks (numpy's default "linear"
//     method). NULL when the group has no non-NULL value.
//   - ratio: float64 num/den; NULL when either side is NULL or den is 0.
//
// A query without groups returns exactly one row, even over no rows (count
// 0, the other metrics NULL). Ordering follows q.Order; NULL sorts before
// every value (first ascending, last descending); ties are broken by every
// group column ascending, so results are deterministic. Offset and limit
// (0 = no limit) apply last. Totals, subtotals and comparison periods are
// not part of the reference: Evaluate refuses them.
package queryref
