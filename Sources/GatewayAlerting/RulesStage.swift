import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GatewayCore
import GatewayRules
import GatewayStore
import Logging
import Synchronization

/// Evaluate → alert/ticket: the pipeline stage after the store. It reads what the store committed,
/// in store order (seq), runs the rule engine and the ticket book over it, and writes their events
/// and state back to the store.
///
/// Durability (issue 5 "persistence and determinism"): the engine's events, its snapshot, the
/// ticket book and the evaluation cursor (the last seq evaluated) are written in ONE transaction.
/// Until then they exist only in memory; after a crash the stage restores the last written
/// snapshot and evaluates the readings after its cursor again. The engine is deterministic, so it
/// produces the same events, and since none of them had been written, nothing fires twice and
/// nothing pending is forgotten.
///
/// Writes are batched, because a snapshot holds every series' rule state (megabytes at thousands
/// of series), too big to write per ingest batch:
/// - events are written at most `flushInterval` (1 s) after they happen, so operators see them;
/// - a cursor and snapshot with no event to go with them only every `stateFlushInterval` (30 s):
///   writing them is what lets a restart skip re-evaluating, and re-evaluating 30 s of readings
///   takes a fraction of a second, so writing them each second was most of what rules cost ingest;
/// - at once for an operator action (which must be durable before the API answers), a gateway
///   event, and at shutdown (`finish()`).
public final class RulesStage: Sendable {
    private let store: ReadingStore
    let clock: any WallClock
    let logger: Logger
    /// Without rules there is nothing to evaluate and the stage stays off the ingest path; the
    /// stored cursor says `follow` instead of a seq, so rules added later start from the store's
    /// end at that start-up, not from the beginning of the history.
    let hasRules: Bool
    /// Whether the stage evaluates readings at all (it has rules; a reload cannot change that).
    public var evaluatesReadings: Bool { hasRules }
    private let flushInterval: Duration
    private let stateFlushInterval: Duration
    let inner: Mutex<Inner>
    /// Counts for the status API and `/metrics`.
    public let counters: AlertingCounters

    struct Inner: ~Copyable {
        var engine: RuleEngine
        var tickets: TicketBook
        /// Rule id → its ticket policy; replaced with the engine by a reload.
        var policies: [String: TicketPolicy]
        var cursor: Int64
        var pendingAlertEvents: [AlertEvent] = []
        var pendingTicketEvents: [TicketEvent] = []
        var dirty = false
        var lastFlush = ContinuousClock.now
        var lastTrim: ContinuousClock.Instant?
        /// The event-time clock between readings: event time `event` at wall time `wall`, running
        /// on at wall-clock speed from there (see `eventTime(at:)`).
        var eventClock: (event: EpochMillis, wall: EpochMillis)?

        /// Event time now: the clock's anchor plus the wall time since. Not simply the wall
        /// clock: a feed that arrives late — a backlog, a logger uploading in batches, a replay, an
        /// accelerated simulation — would otherwise see every delay complete, and every `no_data`
        /// fire, the moment the stage is idle. Anchored at the latest event time whenever a reading
        /// moves it ahead, so for a live feed this is the wall clock (less the devices' lag).
        func eventTime(at now: EpochMillis) -> EpochMillis? {
            eventClock.map { $0.event + max(0, now - $0.wall) }
        }

        /// Re-anchors the event clock after readings: at the engine's watermark when they moved it
        /// past the clock, else where the clock has run to.
        mutating func anchorEventClock(at now: EpochMillis) {
            guard let watermark = engine.watermark else { return }
            eventClock = (max(watermark, eventTime(at: now) ?? watermark), now)
        }
    }

    static let ticketsKey = "tickets"
    static let cursorKey = "cursor"
    /// The cursor's value while no rules are configured (see `hasRules`).
    static let followStore = "follow"

    /// Restores the engine and ticket book from the store (or starts them clean).
    public init(
        configuration: RulesConfiguration, store: ReadingStore, clock: any WallClock = SystemWallClock(),
        counters: AlertingCounters = AlertingCounters(), flushInterval: Duration = .seconds(1),
        stateFlushInterval: Duration = .seconds(30), logger: Logger
    ) throws {
        self.store = store
        self.stateFlushInterval = max(stateFlushInterval, flushInterval)
        self.clock = clock
        self.logger = logger
        self.counters = counters
        self.flushInterval = flushInterval
        hasRules = !configuration.rules.isEmpty
        let decoder = JSONDecoder()
        var engine: RuleEngine
        if let state = try EngineSnapshotRows.read(from: store, with: decoder) {
            engine = RuleEngine(configuration: configuration, state: state)
        } else {
            engine = RuleEngine(configuration: configuration)
        }
        let calendar = WorkingDayCalendar(configuration.calendar)
        let tickets: TicketBook
        if let data = try store.ruleState(Self.ticketsKey) {
            tickets = TicketBook(state: try decoder.decode(TicketBook.State.self, from: data), calendar: calendar)
        } else {
            tickets = TicketBook(calendar: calendar)
        }
        let storedCursor = try store.ruleState(Self.cursorKey).map { String(decoding: $0, as: UTF8.self) }
        var cursor: Int64 = 0
        if hasRules {
            // `follow` (the last start had no rules): start at the store's end. No cursor yet:
            // from the beginning — a stage that crashed before its first write must see it all.
            if storedCursor == Self.followStore {
                cursor = try store.lastSeq()
            } else {
                cursor = storedCursor.flatMap { Int64($0) } ?? 0
            }
        } else if storedCursor != Self.followStore {
            try store.commit(RuleOutput(state: [Self.cursorKey: Data(Self.followStore.utf8)]))
        }
        var state = Inner(engine: engine, tickets: tickets, policies: Self.policies(configuration), cursor: cursor)
        // After a restart event time resumes where it stopped: the downtime does not count.
        state.anchorEventClock(at: clock.now())
        // A configuration change may have removed rules: their alerts close now, on the record.
        let closures = state.engine.restoreEvents
        if !closures.isEmpty {
            state.pendingAlertEvents = closures
            state.dirty = true
        }
        inner = Mutex(state)
        counters.rebuild(from: engine.activeAlerts, openTickets: tickets.openTickets)
        if !closures.isEmpty { try flush(force: true) }
    }

    /// Evaluates every reading the store committed since the last call, and writes the results
    /// when they are due (see `flush`). Returns how many readings it evaluated. Called after the
    /// commits (on the daemon's `rules-evaluate` thread, so it never delays an ack), with the
    /// readings of the latest commits: when they continue from the cursor they are evaluated from
    /// memory; otherwise (a backlog, a restart) the store is read from the cursor, at most `limit`
    /// readings.
    @discardableResult
    public func catchUp(limit: Int = 20_000, committed: CommittedReadings? = nil) throws -> Int {
        let evaluated = try inner.withLock { state -> Int in
            guard hasRules else { return 0 }
            let readings: [Reading]
            let through: Int64
            if let committed, committed.afterSeq == state.cursor {
                readings = committed.readings
                through = committed.throughSeq
            } else {
                readings = try store.readings(afterSeq: state.cursor, limit: limit)
                through = readings.last?.seq ?? state.cursor
            }
            guard through != state.cursor else { return 0 }
            let started = ContinuousClock.now
            var events: [AlertEvent] = []
            for reading in readings { state.engine.evaluate(reading, into: &events) }
            counters.evaluated(readings.count, in: ContinuousClock.now - started)
            state.anchorEventClock(at: clock.now())
            state.cursor = through
            state.dirty = true
            absorb(events, into: &state)
            return readings.count
        }
        try flush(force: false)
        return evaluated
    }

    /// Lets wall time pass: no-data alerts, delays whose time has come, expired shelving and
    /// out-of-service periods, and ticket deadlines. Called about once a second while idle.
    public func tick() throws {
        let now = clock.now()
        inner.withLock { state in
            // Called only once the backlog is evaluated (else its readings would all look late);
            // before the first reading there is no event time to move.
            let eventTime = state.eventTime(at: now) ?? state.engine.watermark ?? .min
            let events = state.engine.advance(eventTime: eventTime, wallTime: now)
            state.anchorEventClock(at: now)
            absorb(events, into: &state)
            let ticketEvents = state.tickets.checkDeadlines(now: now)
            if !ticketEvents.isEmpty {
                state.pendingTicketEvents += ticketEvents
                state.dirty = true
                counters.ticketEvents(ticketEvents)
                for overdue in ticketEvents where overdue.kind == .overdue {
                    let severity = state.tickets.ticket(overdue.ticketID)?.severity ?? .warning
                    absorb(
                        state.engine.recordTicketOverdue(
                            ticketID: overdue.ticketID, utility: overdue.utility, site: overdue.site,
                            device: overdue.device, step: overdue.step?.rawValue ?? "-",
                            deadline: overdue.deadline ?? now, severity: severity, at: now),
                        into: &state)
                }
            }
        }
        try flush(force: false)
    }

    /// A gateway event (a possible data gap) becomes an alert; written at once.
    public func record(_ event: GatewayEvent) throws {
        inner.withLock { state in absorb(state.engine.recordGatewayEvent(event), into: &state) }
        try flush(force: true)
    }

    /// Takes the engine's events into the pending output, opening or appending tickets for
    /// activations of rules that want one.
    func absorb(_ events: [AlertEvent], into state: inout Inner) {
        guard !events.isEmpty else { return }
        state.pendingAlertEvents += events
        state.dirty = true
        counters.alertEvents(events)
        for event in events where event.ticket && (event.kind == .activated || event.kind == .severityChanged) {
            guard let utility = event.utility, let policy = state.policies[event.ruleID] else { continue }
            let ticketEvents = state.tickets.openOrAppend(
                rule: event.ruleID, utility: utility, site: event.site, device: event.device, metric: event.metric,
                alertID: event.alertID, severity: event.severity, risk: event.risk, policy: policy,
                safety: event.safety, siteFlooding: event.duringFlood, at: clock.now())
            state.pendingTicketEvents += ticketEvents
            counters.ticketEvents(ticketEvents)
        }
    }

    /// Writes what is pending at once (the gateway is stopping).
    public func finish() throws {
        try flush(force: true)
    }

    /// Writes pending events, the snapshots and the cursor in one transaction: when `force`, or
    /// when there is something to write and its interval has passed (see the type's notes).
    func flush(force: Bool) throws {
        try inner.withLock { state in
            guard state.dirty else { return }
            let hasEvents = !state.pendingAlertEvents.isEmpty || !state.pendingTicketEvents.isEmpty
            let interval = hasEvents ? flushInterval : stateFlushInterval
            guard force || ContinuousClock.now - state.lastFlush >= interval else { return }
            let output = try Self.output(&state, cursor: hasRules ? String(state.cursor) : Self.followStore)
            try store.commit(output)
            Self.returnFreedMemory(&state.lastTrim)
            state.pendingAlertEvents.removeAll(keepingCapacity: true)
            state.pendingTicketEvents.removeAll(keepingCapacity: true)
            state.dirty = false
            state.lastFlush = ContinuousClock.now
        }
    }

    /// Hands the memory the snapshot's encoding freed back to the system, at most every 30 s.
    ///
    /// A snapshot is tens of megabytes of short-lived buffers at thousands of series. glibc keeps
    /// freed heap memory in its arenas (and raises its mmap threshold after large frees, so the
    /// next large buffers come from the heap too): without a trim the daemon's RSS stepped up by
    /// 10–30 MB at a time over a soak and stayed there. `malloc_trim(0)` returns the free pages of
    /// every arena (a few milliseconds).
    private static func returnFreedMemory(_ lastTrim: inout ContinuousClock.Instant?) {
        let now = ContinuousClock.now
        guard lastTrim.map({ now - $0 >= .seconds(30) }) ?? true else { return }
        lastTrim = now
        _ = mallocTrim?(0)
    }

    /// glibc's `malloc_trim`, looked up once (the Glibc module does not export `malloc.h`); `nil`
    /// with another C library.
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
        return nil
        #endif
    }()

    private static func output(_ state: inout Inner, cursor: String) throws -> RuleOutput {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var alertEntries: [AlertHistoryEntry] = []
        alertEntries.reserveCapacity(state.pendingAlertEvents.count)
        for event in state.pendingAlertEvents {
            let body = String(decoding: try encoder.encode(event), as: UTF8.self)
            let announced = !(event.kind == .pendingCancelled || event.kind == .ruleRemoved)
            alertEntries.append(AlertHistoryEntry(
                alertID: event.alertID, time: event.time, kind: event.kind.rawValue, state: event.state.rawValue,
                actor: event.actor, note: event.note, body: body,
                current: announced
                    ? AlertRow(
                        id: event.alertID, ruleID: event.ruleID, utility: event.utility, site: event.site,
                        device: event.device, metric: event.metric, state: event.state.rawValue,
                        severity: event.severity.rawValue, since: event.since, updated: event.time, body: body)
                    : nil))
        }
        var ticketEntries: [TicketHistoryEntry] = []
        for event in state.pendingTicketEvents {
            guard let ticket = state.tickets.ticket(event.ticketID) else { continue }
            ticketEntries.append(TicketHistoryEntry(
                ticketID: event.ticketID, time: event.at, kind: event.kind.rawValue, actor: event.actor, note: event.note,
                body: String(decoding: try encoder.encode(event), as: UTF8.self),
                current: TicketRow(
                    id: ticket.id, ruleID: ticket.ruleID, utility: ticket.utility, site: ticket.site, device: ticket.device,
                    state: ticket.status.rawValue, step: ticket.isOpen ? ticket.step.rawValue : nil,
                    deadline: ticket.currentDeadline, opened: ticket.openedAt, updated: event.at,
                    body: String(decoding: try encoder.encode(ticket.summary), as: UTF8.self))))
        }
        return RuleOutput(
            alertEvents: alertEntries, ticketEvents: ticketEntries,
            state: try EngineSnapshotRows.encode(state.engine, with: encoder).merging([
                ticketsKey: try encoder.encode(state.tickets.state),
                cursorKey: Data(cursor.utf8),
            ]) { engine, _ in engine })
    }
}
