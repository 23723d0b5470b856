import GRDB

/// The store's schema, as numbered migrations.
///
/// Rules: a migration that has shipped is never edited (add "v2", "v3", …); migrations use plain SQL
/// and never reference app types, so that they mean the same thing forever. The on-disk format is
/// described at the top of `ReadingStore.swift`.
enum StoreMigrations {
    /// The names of every migration this release knows, in order.
    static let known = ["v1", "v2", "v3"]

    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2") { db in
            try db.execute(sql: v2)
        }
        migrator.registerMigration("v3") { db in
            try db.execute(sql: v3)
        }
        return migrator
    }

    static let v1 = """
        CREATE TABLE meta (
            key   TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO meta(key, value) VALUES
            ('generation', lower(hex(randomblob(16)))),
            ('schema', 'utility-gateway-store'),
            ('created_at', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

        CREATE TABLE series (
            id      INTEGER PRIMARY KEY,
            utility TEXT NOT NULL,
            site    TEXT NOT NULL,
            device  TEXT NOT NULL,
            metric  TEXT NOT NULL,
            unit    TEXT NOT NULL,
            UNIQUE (utility, site, device, metric)
        );

        CREATE TABLE topics (
            id   INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        );

        -- Hot tier: every ingested reading lands here. The unique key starts with ts so that
        -- inserts append (DESIGN §8); AUTOINCREMENT so that a seq is never handed out twice,
        -- even after the rows holding the highest seqs have moved to `readings`.
        CREATE TABLE readings_recent (
            seq         INTEGER PRIMARY KEY AUTOINCREMENT,
            series_id   INTEGER NOT NULL,
            ts          INTEGER NOT NULL,
            value       REAL NOT NULL,
            received_at INTEGER NOT NULL,
            quality     INTEGER NOT NULL,
            topic_id    INTEGER NOT NULL,
            UNIQUE (ts, series_id)
        );

        -- Main tier: rows arrive here in bulk, by merge, sorted by (series_id, ts), so the
        -- device-first index is touched once per series per merge instead of once per row.
        CREATE TABLE readings (
            seq         INTEGER PRIMARY KEY,
            series_id   INTEGER NOT NULL,
            ts          INTEGER NOT NULL,
            value       REAL NOT NULL,
            received_at INTEGER NOT NULL,
            quality     INTEGER NOT NULL,
            topic_id    INTEGER NOT NULL,
            UNIQUE (series_id, ts)
        );

        -- Aggregates of the main tier per series, maintained by every merge (one upsert per series
        -- per merge), so that a summary reads 4,000 rows instead of 10 million. Whoever deletes
        -- rows from `readings` must recompute the affected series here.
        CREATE TABLE series_stats (
            series_id INTEGER PRIMARY KEY,
            row_count INTEGER NOT NULL,
            first_ts  INTEGER NOT NULL,
            last_ts   INTEGER NOT NULL,
            min_value REAL NOT NULL,
            max_value REAL NOT NULL,
            sum_value REAL NOT NULL
        );

        CREATE VIEW readings_all AS
            SELECT r.seq, s.utility, s.site, s.device, s.metric, r.value, s.unit, r.ts,
                   r.received_at, r.quality, t.name AS topic, r.series_id, 'main' AS tier
              FROM readings r
              JOIN series s ON s.id = r.series_id
              JOIN topics t ON t.id = r.topic_id
            UNION ALL
            SELECT r.seq, s.utility, s.site, s.device, s.metric, r.value, s.unit, r.ts,
                   r.received_at, r.quality, t.name AS topic, r.series_id, 'recent' AS tier
              FROM readings_recent r
              JOIN series s ON s.id = r.series_id
              JOIN topics t ON t.id = r.topic_id;

        CREATE TABLE quarantine (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            received_at  INTEGER NOT NULL,
            topic        TEXT NOT NULL,
            route        TEXT,
            reason       TEXT NOT NULL,
            message      TEXT NOT NULL,
            payload      BLOB NOT NULL,
            payload_size INTEGER NOT NULL
        );
        -- received_at grows with id, so this index appends too.
        CREATE INDEX quarantine_received_at ON quarantine(received_at);

        CREATE TABLE events (
            id      INTEGER PRIMARY KEY AUTOINCREMENT,
            ts      INTEGER NOT NULL,
            kind    TEXT NOT NULL,
            message TEXT NOT NULL
        );
        """

    /// v2: the rule engine's output and state (issue 5). Histories are append-only: triggers
    /// refuse UPDATE and DELETE, so a bug cannot rewrite what operators did. The current tables are
    /// derived from the histories (each event carries its entity's full state as JSON in `body`).
    static let v2 = """
        CREATE TABLE alert_history (
            seq      INTEGER PRIMARY KEY AUTOINCREMENT,
            alert_id TEXT NOT NULL,
            ts       INTEGER NOT NULL,
            kind     TEXT NOT NULL,
            state    TEXT NOT NULL,
            actor    TEXT,
            note     TEXT,
            body     TEXT NOT NULL
        );
        CREATE INDEX alert_history_alert ON alert_history(alert_id, seq);
        CREATE TRIGGER alert_history_no_update BEFORE UPDATE ON alert_history
            BEGIN SELECT RAISE(ABORT, 'the alert history is append-only'); END;
        CREATE TRIGGER alert_history_no_delete BEFORE DELETE ON alert_history
            BEGIN SELECT RAISE(ABORT, 'the alert history is append-only'); END;

        -- Every alert episode that was announced, with its current state (the last event of its
        -- history); cleared ones stay, as the archive the listings filter by state and time.
        CREATE TABLE alerts (
            id       TEXT PRIMARY KEY NOT NULL,
            rule_id  TEXT NOT NULL,
            utility  TEXT,
            site     TEXT NOT NULL,
            device   TEXT NOT NULL,
            metric   TEXT NOT NULL,
            state    TEXT NOT NULL,
            severity TEXT NOT NULL,
            since    INTEGER NOT NULL,
            updated  INTEGER NOT NULL,
            body     TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX alerts_state ON alerts(state, since);
        CREATE INDEX alerts_since ON alerts(since);

        CREATE TABLE ticket_history (
            seq       INTEGER PRIMARY KEY AUTOINCREMENT,
            ticket_id TEXT NOT NULL,
            ts        INTEGER NOT NULL,
            kind      TEXT NOT NULL,
            actor     TEXT,
            note      TEXT,
            body      TEXT NOT NULL
        );
        CREATE INDEX ticket_history_ticket ON ticket_history(ticket_id, seq);
        CREATE TRIGGER ticket_history_no_update BEFORE UPDATE ON ticket_history
            BEGIN SELECT RAISE(ABORT, 'the ticket history is append-only'); END;
        CREATE TRIGGER ticket_history_no_delete BEFORE DELETE ON ticket_history
            BEGIN SELECT RAISE(ABORT, 'the ticket history is append-only'); END;

        -- Every ticket with its current state (closed ones stay: the service archive).
        CREATE TABLE tickets (
            id       TEXT PRIMARY KEY NOT NULL,
            rule_id  TEXT NOT NULL,
            utility  TEXT,
            site     TEXT NOT NULL,
            device   TEXT NOT NULL,
            state    TEXT NOT NULL,
            step     TEXT,
            deadline INTEGER,
            opened   INTEGER NOT NULL,
            updated  INTEGER NOT NULL,
            body     TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX tickets_state ON tickets(state, opened);

        -- The engine's snapshot (JSON) and how far it has evaluated (the last reading seq).
        CREATE TABLE rule_state (
            key   TEXT PRIMARY KEY NOT NULL,
            value BLOB NOT NULL
        ) WITHOUT ROWID;
        """

    /// v3: store-and-forward and the buffer policy (issue 6). `forward_cursor`: how far the central
    /// broker has acknowledged each stream the uplink forwards. A row's `last_seq` is the highest seq of that stream such that it and every
    /// lower seq were acknowledged (PUBACK) by the central broker; forwarding resumes after it. No row:
    /// nothing acknowledged yet. One small table written by the forwarder's own connection, so the
    /// ingest writer's tables and transactions are untouched.
    static let v3 = """
        CREATE TABLE forward_cursor (
            stream     TEXT PRIMARY KEY NOT NULL,   -- 'readings', 'alert_history', 'ticket_history'
            last_seq   INTEGER NOT NULL,
            updated_at INTEGER NOT NULL             -- UTC epoch ms of the acknowledgement
        ) WITHOUT ROWID;

        -- The buffer policy's totals since the store was created, updated in the same transaction
        -- as the deletes they count, so they are exact across crashes: 'retention_deleted' (readings
        -- past buffer.retention), 'dropped' (readings deleted because the store reached
        -- buffer.max_bytes) and 'dropped_unforwarded' (those of them the uplink had not forwarded).
        CREATE TABLE buffer_counters (
            key   TEXT PRIMARY KEY NOT NULL,
            value INTEGER NOT NULL
        ) WITHOUT ROWID;
        """
}
