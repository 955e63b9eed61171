// Package clickhouse implements app.Analytics on ClickHouse, the analytics
// store of the cluster mode (DESIGN.md §1). It runs on the 18.16 server of
// Debian's package, which the tests start (internal/testenv/chtest), and on
// current releases.
//
// # Tables
//
// schema/clickhouse holds the DDL, applied by Migrate. A batch is written as
// ONE insert into an_ingest, a wide MergeTree log with a row per new event
// (row_kind 1), per entity state change (row_kind 2, sign -1 for the state
// being replaced and +1 for the new one) and per dead letter (row_kind 3).
// Materialized views fan it out, inside that same insert, to:
//   - an_events: the events source, MergeTree partitioned by month of
//     occurred_at, sorted by (tenant_id, source, occurred_at, event_id);
//   - an_<source>: each entity source's state, ReplacingMergeTree(version)
//     sorted by (tenant_id, id), typed columns from the catalogue; readers
//     use FINAL (or argMax) because replacement happens at merge time;
//   - an_rollup_<rollup>: SummingMergeTree per tenant, bucket and the
//     rollup's dimensions (empty for null), with row_count and per measure
//     <m>_sum and <m>_count. For entity sources the view sums sign,
//     sign*m and sign*(m IS NOT NULL): the collapsing pattern, so an entity
//     whose status changes three times counts once, under its current status;
//     readers always sum() ... GROUP BY;
//   - an_dead_letters: ReplacingMergeTree by (tenant_key, id).
//
// # Apply, and why a retry is always safe
//
// Apply takes the batch's tenant locks, waits on the insert fence (below),
// looks up which of the batch's event ids an_ingest holds already and the
// stored state of every entity the other events touch, plans the rows in
// memory (planBatch: events in order, duplicates skipped, only a strictly
// newer version changes an entity, several versions in one batch net to one
// -1 and one +1 row) and sends them as one insert. The argument:
//
//  1. One insert of one block (all rows share ingested_at, the partition key
//     of an_ingest) becomes one part, renamed into place atomically: the
//     batch's rows are in an_ingest all together or not at all.
//  2. A failure before the insert leaves nothing; the retry computes the
//     same rows from the same stored state.
//  3. After the insert landed, the retry finds every event id in an_ingest:
//     all duplicates, nothing written but the dead letters, which keep one
//     row per id in an_dead_letters.
//  4. If the client cannot tell whether the insert landed (timeout, broken
//     connection, cancelled context), the server may still be running it, and
//     a retry's lookup could miss rows that land a moment later. Every insert
//     carries a query id with a per-database prefix; after such a failure,
//     and once after Open (a restarted process does not know what its
//     predecessor left running), Apply first waits until those queries have
//     left system.processes, which reduces the case to 2 or 3.
//  5. The -1 row is read back from the entity table, which holds exactly the
//     +1 row the rollups once received, so the retraction is exact (or, when
//     the reads were made ahead while the batch before was written, taken
//     from the +1 rows that batch wrote: ahead.go). Two
//     batches of one tenant must therefore never interleave: Apply holds a
//     per-tenant lock, and across processes the stream partitions by tenant
//     so one consumer owns a tenant at a time.
//
// # Residual risks
//
// Materialized views are not transactional. ClickHouse writes an_ingest's
// part first, then each view's target, each its own part (and an_events
// and the rollups one part per month touched); with parallel_view_processing
// (ingestSettings) several targets are written at once, and one failing
// view no longer stops the ones after it, which changes which targets miss
// the batch, not whether some may. A server crash in
// that window, or a view failing (a type mismatch after a careless
// migration), leaves the batch in an_ingest and in some targets only: Apply
// returns an error, the retry finds the events stored, and the missing rows
// stay missing. The window is a server-side fault of milliseconds; a client
// crash cannot cause it. VerifyRollups detects it: besides comparing every
// rollup with its raw table it compares an_ingest with an_events and the
// entity tables. Repair is a rebuild: every table but an_ingest is a pure
// function of it, so truncate the derived tables and run each view's SELECT
// as INSERT INTO <target> SELECT ... FROM an_ingest. Current ClickHouse
// could close the gap on replicated tables (insert_deduplication_token with
// deduplicate_blocks_in_dependent_materialized_views); 18.16 cannot.
//
// Also: during a consumer-group rebalance two consumers may briefly hold the
// same tenant; the fence's snapshot after Open covers a successor starting
// while its predecessor's insert runs, not two live consumers racing, which
// the stream's offset commits after a durable Apply keep rare. The fence
// reads system.processes of the server it reaches, so several Addr entries
// must be replicas behind one write endpoint or a single server. Times are
// stored to the second (no DateTime64 on 18.16) and clamped to DateTime's
// 1970-2106 range, because the domain does not bound data times and a value
// the column cannot hold would fail the batch on every retry. A batch must
// stay under max_insert_block_size (1,048,576 rows) to remain one block.
// "Durable" means acknowledged by the server, which writes parts without
// fsync by default; where a power loss must not lose an acknowledged batch,
// use replicated tables with insert_quorum (or fsync_after_insert on a
// current release). an_ingest is partitioned by month of ingestion so old months can be
// dropped; that forgets their event ids (a replay older than the stream's
// retention cannot come) and the ability to rebuild from them.
//
// # ClickHouse 18.16
//
// Only the native protocol works (the HTTP interface rejects the driver's
// client_protocol_version); inserts go through the batch API with an
// explicit column list (an INSERT ... VALUES sent with Exec hangs, and so
// does goose's ClickHouse dialect, hence the small runner in Migrate);
// materialized views do not convert types, so each view selects its
// target's exact types (assumeNotNull, toInt64); no DateTime64, Map,
// LowCardinality (without a setting) or JSON functions are used. Lookups
// send the batch's keys as an external table rather than an inline IN list.
package clickhouse
