import Foundation
import GRDB
import GatewayCore

extension ReadingStore {
    static let insertRecentSQL = """
        INSERT INTO readings_recent(series_id, ts, value, received_at, quality, topic_id)
        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
        """
    static let probeMainSQL = "SELECT 1 FROM readings WHERE series_id = ? AND ts = ?"
    /// The highest seq handed out so far: AUTOINCREMENT keeps it in `sqlite_sequence`, even after
    /// the rows holding it moved to the main tier.
    static let lastSeqSQL = "SELECT seq FROM sqlite_sequence WHERE name = 'readings_recent'"

    /// Stores one batch in ONE transaction and returns when it is durable (invariant 1).
    ///
    /// Readings go to the hot tier; a reading whose natural key is already stored in either tier is
    /// counted in `duplicates`, not stored. A reading the store cannot keep faithfully — a
    /// non-finite value, or a unit other than the one already stored for its series — becomes a
    /// quarantine record (`invalid_value`) in the same transaction instead of failing the batch:
    /// a failed commit would withhold the acks and the broker would redeliver it forever.
    ///
    /// With `returningReadings`, the result carries the stored readings with their seqs
    /// (`CommitResult.committed`) for the stages after the store.
    ///
    /// Throws a `StoreError` (`.diskFull` for `SQLITE_FULL`) with nothing written.
    @discardableResult
    public func commit(_ batch: IngestBatch, returningReadings: Bool = false) throws -> CommitResult {
        try state.withLock { state in
            try checkOpen(state, "commit")
            if batch.isEmpty { return CommitResult() }
            try StoreError.context(path: path, operation: "commit") {
                try SeqReservation.ensure(
                    batch.readings.count, of: "readings_recent", &state.seqs, synchronous: synchronous, queue)
            }
            var result = CommitResult()
            var pending = PendingIdentities()
            var seqs = state.seqs
            try StoreError.context(path: path, operation: "commit") {
                try queue.inTransaction(.immediate) { db in
                    result = CommitResult()
                    pending = PendingIdentities()
                    if returningReadings {
                        let last = try Int64.fetchOne(db.cachedStatement(sql: Self.lastSeqSQL)) ?? 0
                        result.committed = CommittedReadings(afterSeq: last, throughSeq: last, readings: [])
                    }
                    try insertReadings(batch.readings, db, state, &pending, &result)
                    if !batch.readings.isEmpty {
                        // One read of the counter serves the stages and the seq reservation.
                        let through = try Int64.fetchOne(db.cachedStatement(sql: Self.lastSeqSQL)) ?? 0
                        result.committed?.throughSeq = through
                        seqs["readings_recent"]?.issued = through
                    }
                    for record in batch.quarantined {
                        try insertQuarantine(record, db)
                        result.quarantined += 1
                    }
                    let insertEvent = try db.cachedStatement(sql: "INSERT INTO events(ts, kind, message) VALUES (?, ?, ?)")
                    for event in batch.events {
                        try insertEvent.execute(arguments: [event.timestamp, event.kind.rawValue, event.message])
                        result.events += 1
                    }
                    return .commit
                }
            }
            // Committed: only now may the caches learn the new ids (invariant 6).
            state.seqs = seqs
            state.series.merge(pending.series) { _, new in new }
            state.topics.merge(pending.topics) { _, new in new }
            if result.stored > 0 {
                if state.recentRows == 0 { state.recentSince = ContinuousClock.now }
                state.recentRows += result.stored
            }
            return result
        }
    }

    private func insertReadings(
        _ readings: [Reading], _ db: Database, _ state: borrowing WriterState, _ pending: inout PendingIdentities,
        _ result: inout CommitResult
    ) throws {
        guard !readings.isEmpty else { return }
        let insert = RawStatement(try db.cachedStatement(sql: Self.insertRecentSQL))
        let probe = RawStatement(try db.cachedStatement(sql: Self.probeMainSQL))
        let watermark = state.watermark ?? .min
        for reading in readings {
            guard reading.value.isFinite else {
                try insertQuarantine(refused(reading, "the value \(reading.value) is not a finite number"), db)
                result.quarantined += 1
                continue
            }
            let series = try seriesEntry(for: reading, db, state, &pending)
            guard series.unit == reading.unit else {
                let why = "the unit '\(reading.unit)' differs from the unit '\(series.unit)' already stored for this "
                    + "series; a series keeps one canonical unit (check the route's unit mapping)"
                try insertQuarantine(refused(reading, why), db)
                result.quarantined += 1
                continue
            }
            let topicID = try topicID(for: reading.topic, db, state, &pending)
            if reading.timestamp <= watermark {
                probe.bind(1, series.id)
                probe.bind(2, reading.timestamp)
                if try probe.exists() {
                    result.duplicates += 1
                    continue
                }
            }
            insert.bind(1, series.id)
            insert.bind(2, reading.timestamp)
            insert.bind(3, reading.value)
            insert.bind(4, reading.receivedAt)
            insert.bind(5, Int64(reading.quality.rawValue))
            insert.bind(6, topicID)
            try insert.run()
            guard db.changesCount == 1 else {
                result.duplicates += 1
                continue
            }
            result.stored += 1
            if result.committed != nil {
                var stored = reading
                stored.seq = db.lastInsertedRowID
                result.committed?.readings.append(stored)
            }
        }
    }

    private func seriesEntry(
        for reading: Reading, _ db: Database, _ state: borrowing WriterState, _ pending: inout PendingIdentities
    ) throws -> SeriesEntry {
        let key = SeriesKey(reading)
        if let entry = state.series[key] ?? pending.series[key] { return entry }
        let identity: StatementArguments = [key.utility.rawValue, key.site, key.device, key.metric]
        let entry: SeriesEntry
        if let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id, unit FROM series WHERE utility = ? AND site = ? AND device = ? AND metric = ?"),
            arguments: identity)
        {
            entry = SeriesEntry(id: row[0], unit: row[1])
        } else {
            try db.cachedStatement(sql: "INSERT INTO series(utility, site, device, metric, unit) VALUES (?, ?, ?, ?, ?)")
                .execute(arguments: identity + [reading.unit])
            entry = SeriesEntry(id: db.lastInsertedRowID, unit: reading.unit)
        }
        pending.series[key] = entry
        return entry
    }

    private func topicID(
        for topic: String, _ db: Database, _ state: borrowing WriterState, _ pending: inout PendingIdentities
    ) throws -> Int64 {
        if let id = state.topics[topic] ?? pending.topics[topic] { return id }
        let id: Int64
        if let found = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM topics WHERE name = ?"), arguments: [topic]) {
            id = found
        } else {
            try db.cachedStatement(sql: "INSERT INTO topics(name) VALUES (?)").execute(arguments: [topic])
            id = db.lastInsertedRowID
        }
        pending.topics[topic] = id
        return id
    }

    private func insertQuarantine(_ record: QuarantineRecord, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO quarantine(received_at, topic, route, reason, message, payload, payload_size)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            record.receivedAt, record.topic, record.route, record.reason.rawValue, record.message,
            Data(record.payload), record.payloadSize,
        ])
    }

    /// A quarantine record for a reading the store refused; the payload is the reading in words.
    private func refused(_ reading: Reading, _ why: String) -> QuarantineRecord {
        let text = "\(reading.utility.rawValue)/\(reading.site)/\(reading.device)/\(reading.metric) "
            + "value=\(reading.value) unit=\(reading.unit) ts=\(reading.timestamp)"
        return QuarantineRecord(
            receivedAt: reading.receivedAt, topic: reading.topic, route: nil, reason: .invalidValue,
            message: "the store refused a reading: \(why)", payload: Array(text.utf8))
    }
}

/// Series and topic ids created or looked up inside a transaction that has not committed yet.
struct PendingIdentities {
    var series: [SeriesKey: SeriesEntry] = [:]
    var topics: [String: Int64] = [:]
}
