import GatewayAdapters
import GatewayCore
import GatewayMQTT
import GatewayStore
import Logging
import Synchronization

/// Ingest → decode → normalize → store, for one batch of MQTT messages at a time, on the MQTT
/// client's own loop thread.
///
/// This is where "nothing acknowledged is lost" is kept: `handle(_:)` returns only after the
/// readings and quarantine records of every message in the batch are committed in one
/// transaction, and the MQTT client sends the batch's PUBACKs only after it returns. If the commit
/// fails (a full disk, an I/O error), `handle(_:)` throws, no PUBACK leaves, and the broker
/// redelivers the batch to the next connection (DESIGN §2). Redelivered messages do not duplicate
/// readings: the store skips readings whose (utility, site, device, metric, timestamp) it holds.
public final class IngestPipeline: MQTTBatchHandler {
    /// Replaced by a configuration reload (`replaceDecoder(_:)`); each batch takes one copy, so
    /// every message is decoded by exactly one configuration.
    private let decoder: Mutex<MessageDecoder>
    private let store: ReadingStore
    private let logger: Logger
    private let sessionKey: String?
    private let clock: any WallClock
    public let counters: IngestCounters
    /// The broker link's state, for the status API and readiness.
    public let link: BrokerLinkTracker
    /// Quarantine is logged at most once per interval, with a count, so that a device sending
    /// garbage at 100 msg/s cannot flood the journal.
    private let quarantineLog: Mutex<(lastMillis: EpochMillis, suppressed: Int)> = Mutex((0, 0))
    private let lastQuarantinePrune = Mutex<ContinuousClock.Instant?>(nil)
    private let lastMaintenanceWarning = Mutex<ContinuousClock.Instant?>(nil)
    private let lastStageTick = Mutex<ContinuousClock.Instant?>(nil)
    private let lastStageWarning = Mutex<ContinuousClock.Instant?>(nil)
    /// Stages after the store (the rules), fed after the acks.
    private let stages: [any CommittedReadingsStage]
    /// What the commits since the stages last ran stored, handed to them from memory: reading
    /// back what was just written cost the rules a third of ingest throughput.
    private let uncollected = Mutex<CommittedReadings?>(nil)
    /// Whether any stage evaluates readings (else commits need not collect them).
    private let stagesConsumeReadings: Bool
    /// Whether the stages run on a thread of their own (`runStagesUntilStopped()`, the daemon)
    /// rather than from `maintenance()` on the ingest loop's thread (tests of the pipeline alone).
    private let stagesOnOwnThread: Bool
    private let stageWakeup = StageWakeup()
    private let stagesStopping = Atomic<Bool>(false)
    /// A `broker_link_down` was recorded and no `broker_link_up` yet (connection events arrive on
    /// the ingest thread, one at a time).
    private let linkDownRecorded = Atomic<Bool>(false)
    /// At most this many readings wait in memory for a stage on its own thread; beyond that (the
    /// rules fell behind, say after a restart over a long backlog) they are left to be read from
    /// the store, so memory stays bounded however far behind the stage is.
    public static let uncollectedLimit = 100_000
    private let limits: IngestSettings
    /// Called when SQLite reports the store file damaged during operation (see
    /// `ReadingStore.markDamaged`): the daemon marks it and restarts on a fresh store, rather than
    /// failing every commit from then on.
    private let onStoreDamage: (@Sendable (StoreError) -> Void)?
    /// Told when a commit fails for lack of space and when one succeeds again; the buffer policy
    /// acts on it (`BufferEnforcer`), operators see it in the status.
    private let diskSpace: DiskSpace?
    /// Called when the disk fills up (the start of an episode): the buffer policy runs a pass now.
    private let onDiskFull: (@Sendable () -> Void)?
    /// The benchmark's publish-to-commit trace (nil unless bench/run asks for it).
    private let commitTrace: CommitTrace?

    /// - Parameter sessionKey: identifies the broker session (broker URL and client id) when the
    ///   session is persistent, so that a lost session can be told apart from the first one.
    public init(
        decoder: MessageDecoder, store: ReadingStore, counters: IngestCounters = IngestCounters(),
        link: BrokerLinkTracker = BrokerLinkTracker(filters: []),
        limits: IngestSettings = IngestSettings(), sessionKey: String?, clock: any WallClock = SystemWallClock(),
        stages: [any CommittedReadingsStage] = [], stagesOnOwnThread: Bool = false, onStoreDamage: (@Sendable (StoreError) -> Void)? = nil,
        diskSpace: DiskSpace? = nil, onDiskFull: (@Sendable () -> Void)? = nil, commitTrace: CommitTrace? = nil,
        logger: Logger
    ) {
        self.diskSpace = diskSpace
        self.onDiskFull = onDiskFull
        self.commitTrace = commitTrace
        self.onStoreDamage = onStoreDamage
        self.link = link
        self.stages = stages
        self.stagesOnOwnThread = stagesOnOwnThread
        stagesConsumeReadings = stages.contains { $0.consumesReadings }
        self.limits = limits
        self.decoder = Mutex(decoder)
        self.store = store
        self.counters = counters
        self.sessionKey = sessionKey
        self.clock = clock
        self.logger = logger
    }

    /// Where mosquitto (2.0) publishes, retained every `sys_interval`, how many messages it dropped
    /// in total — queue limits (`max_queued_messages`, `max_queued_bytes`) reached for an offline or
    /// slow client. Subscribed with `buffer.when_full: pause_ingest` (see the README, Buffer policy).
    public static let brokerDroppedTopic = "$SYS/broker/publish/messages/dropped"
    /// The broker's last `brokerDroppedTopic` value; -1 until one arrived.
    public let brokerDropped = Atomic<Int>(-1)

    public func handle(_ batch: [InboundMessage]) throws {
        var batch = batch
        if batch.contains(where: { $0.topic.utf8.first == UInt8(ascii: "$") }) {
            // Broker statistics, not readings: never decoded, never quarantined.
            for message in batch where message.topic == Self.brokerDroppedTopic {
                if let value = Int(String(decoding: message.payload.filter { $0 > 0x20 }, as: UTF8.self)) {
                    brokerDropped.store(value, ordering: .relaxed)
                }
            }
            batch.removeAll { $0.topic.hasPrefix("$SYS/") }
        }
        var ingest = IngestBatch(readings: [], quarantined: [], events: [])
        ingest.readings.reserveCapacity(batch.count * 3)
        var outcomes: [MessageOutcome] = []
        outcomes.reserveCapacity(batch.count)
        let decoder = self.decoder.withLock { $0 }
        for message in batch {
            let decoded = decoder.decode(message)
            ingest.readings += decoded.readings
            ingest.quarantined += decoded.quarantined
            outcomes.append(MessageOutcome(
                route: decoded.routeID ?? "-", readings: decoded.readings.count,
                quarantined: decoded.quarantined.count, receivedAt: message.receivedAt))
        }
        let result: CommitResult
        do {
            result = try store.commit(ingest, returningReadings: stagesConsumeReadings)
        } catch {
            counters.recordCommitFailure()
            logger.error("ingest.commit_failed", metadata: [
                "batch.messages": "\(batch.count)", "error": "\(error)",
            ])
            reportIfDamaged(error)
            if let storeError = error as? StoreError, storeError.isDiskFull, let diskSpace {
                // Nothing of the batch was written and its acks are withheld: the broker redelivers
                // it once the connection is back, and the buffer policy makes room or pauses.
                if diskSpace.commitFailed(at: clock.now()) {
                    logger.error("store.disk_full", metadata: [
                        "store.path": "\(store.path)", "batch.messages": "\(batch.count)",
                    ])
                    onDiskFull?()
                }
            }
            throw error
        }
        commitTrace?.record(batch, commitMicros: CommitTrace.nowMicros())
        if diskSpace?.commitSucceeded() == true {
            logger.notice("store.disk_space_returned", metadata: ["store.path": "\(store.path)"])
        }
        counters.recordCommitted(
            outcomes, stored: result.stored, duplicates: result.duplicates, quarantined: result.quarantined,
            committedAt: clock.now())
        if !ingest.quarantined.isEmpty {
            counters.countQuarantine(ingest.quarantined)
            logQuarantine(ingest.quarantined)
        }
        if let committed = result.committed {
            // A gap between two commits (none is expected) only means the stages read the store.
            uncollected.withLock { pending in
                // Appended in place: a stage that lags must not make every commit copy its backlog.
                guard pending != nil, pending!.readings.count + committed.readings.count <= Self.uncollectedLimit,
                    pending!.append(committed)
                else {
                    pending = committed
                    return
                }
            }
            if stagesOnOwnThread { stageWakeup.signal() }
        }
    }

    /// Routes changed (a configuration reload): the next batch is decoded with `decoder`. A batch
    /// in progress finishes with the old one; nothing is decoded twice or skipped.
    public func replaceDecoder(_ decoder: MessageDecoder) {
        self.decoder.withLock { $0 = decoder }
    }

    /// Merges the store's recent tier when it is due, and bounds the quarantine about once a
    /// minute — after the acks, so that housekeeping never delays one.
    public func maintenance() {
        do {
            _ = try store.maintenanceIfDue()
            if Self.due(lastQuarantinePrune, now: ContinuousClock.now, every: .seconds(60)) {
                let deleted = try store.pruneQuarantine(
                    before: clock.now() - EpochMillis(limits.quarantineRetentionSeconds * 1000),
                    keepingAtMost: limits.quarantineMaxRecords)
                if deleted > 0 {
                    counters.quarantinePruned.add(deleted, ordering: .relaxed)
                    logger.info("store.quarantine_pruned", metadata: ["records": "\(deleted)"])
                }
            }
        } catch {
            reportIfDamaged(error)
            // Housekeeping only reorganises or bounds what is already committed and counted: a
            // failure delays it, loses nothing, and the next call tries again — about once a
            // second while idle, so the warning is logged at most once a minute.
            if Self.due(lastMaintenanceWarning, now: ContinuousClock.now, every: .seconds(60)) { logger.warning("store.maintenance_failed", metadata: ["error": "\(error)"]) }
        }
        if !stagesOnOwnThread { runStages() }
        commitTrace?.flush()
    }

    /// The stages' own loop (the daemon's `rules-evaluate` thread, with `stagesOnOwnThread`): runs them
    /// after every commit that stored readings, and about once a second otherwise, until
    /// `stopStages()`. On their own thread the rules never hold up a socket read or an ack (their
    /// state snapshot once stalled the ingest loop for tens of milliseconds), and on a multi-core
    /// box they evaluate while the next batch is decoded and committed.
    public func runStagesUntilStopped() {
        while !stagesStopping.load(ordering: .acquiring) {
            // A backlog (a full `limit` evaluated) continues at once; otherwise wait for a commit.
            if !runStages() { stageWakeup.wait(timeout: .seconds(1)) }
        }
    }

    /// Ends `runStagesUntilStopped()` after the stage call in progress.
    public func stopStages() {
        stagesStopping.store(true, ordering: .releasing)
        stageWakeup.signal()
    }

    /// Feeds the stages after the store; returns whether one of them has more to read (it took a
    /// full `limit`). A failing stage (a full disk) is retried at the next call: its cursor has not
    /// moved, so it loses nothing; the warning is logged once a minute.
    @discardableResult
    private func runStages() -> Bool {
        guard !stages.isEmpty else { return false }
        let now = ContinuousClock.now
        let tickDue = Self.due(lastStageTick, now: now, every: .seconds(1))
        let limit = 20_000
        let committed = uncollected.withLock { pending in
            defer { pending = nil }
            return pending
        }
        var behind = false
        for stage in stages {
            do {
                // Wall time passes for the rules only once they have caught up with the store:
                // during a backlog, event time comes from the backlog's readings.
                let evaluated = try stage.catchUp(limit: limit, committed: committed)
                if evaluated >= limit { behind = true }
                if tickDue && evaluated < limit { try stage.tick() }
            } catch {
                reportIfDamaged(error)
                if Self.due(lastStageWarning, now: now, every: .seconds(60)) {
                    logger.warning("rules.evaluation_failed", metadata: ["error": "\(error)"])
                }
            }
        }
        return behind
    }

    /// Hands a damaged-store error to `onStoreDamage`; other errors are the caller's to handle.
    private func reportIfDamaged(_ error: any Error) {
        guard let storeError = error as? StoreError, storeError.code == .corrupt else { return }
        onStoreDamage?(storeError)
    }

    /// Whether `every` has passed since the instant in `last` (and if so, records `now`).
    private static func due(_ last: borrowing Mutex<ContinuousClock.Instant?>, now: ContinuousClock.Instant, every: Duration) -> Bool {
        last.withLock { last in
            guard last.map({ now - $0 >= every }) ?? true else { return false }
            last = now
            return true
        }
    }

    public func connectionChanged(_ event: MQTTConnectionEvent) {
        switch event {
        case .subscribed(let filter, _) where filter.hasPrefix("$SYS/"),
            .subscriptionRefused(let filter, _) where filter.hasPrefix("$SYS/"):
            // The broker-statistics subscription is optional: it never makes the gateway unready.
            logger.info("mqtt.sys_subscription", metadata: ["mqtt.filter": "\(filter)", "mqtt.event": "\(event)"])
            return
        default:
            break
        }
        link.apply(event)
        switch event {
        case .connected(let sessionPresent):
            logger.notice("mqtt.connected", metadata: ["mqtt.session_present": "\(sessionPresent)"])
            recordLinkUp()
            if let sessionKey, !sessionPresent { recordMissingSession(sessionKey) }
        case .disconnected(let reason):
            logger.warning("mqtt.disconnected", metadata: ["reason": "\(reason)"])
            recordLinkDown(reason)
        case .subscribed(let filter, let grantedQoS):
            logger.info("mqtt.subscribed", metadata: ["mqtt.filter": "\(filter)", "mqtt.granted_qos": "\(grantedQoS)"])
        case .subscriptionRefused(let filter, let reasonCode):
            logger.error("mqtt.subscription_refused", metadata: [
                "mqtt.filter": "\(filter)", "mqtt.reason_code": "\(reasonCode)",
            ])
        }
    }

    /// The link to the broker is down (lost, paused, or never up yet): an event in the store, and the
    /// rules hold every `no_data` until it is back (one `broker.link_down` alert instead of one
    /// `no_data` per device).
    private func recordLinkDown(_ reason: String) {
        guard !linkDownRecorded.exchange(true, ordering: .relaxed) else { return }
        record(GatewayEvent(
            timestamp: clock.now(), kind: .brokerLinkDown, message: "the link to the local MQTT broker is down: \(reason)"))
    }

    /// Connected: the store records the end of an outage it recorded; the rules hear of every
    /// connection, which also ends an outage they restored from a snapshot (the gateway stopped
    /// while the link was down).
    private func recordLinkUp() {
        let event = GatewayEvent(timestamp: clock.now(), kind: .brokerLinkUp, message: "connected to the local MQTT broker again")
        if linkDownRecorded.exchange(false, ordering: .relaxed) {
            record(event)
        } else {
            recordInStages(event)
        }
    }

    /// An event of the gateway's own: in the store, then to the stages (the rules alert on it).
    private func record(_ event: GatewayEvent) {
        do {
            _ = try store.commit(IngestBatch(readings: [], quarantined: [], events: [event]))
        } catch {
            logger.error("store.event_failed", metadata: ["error": "\(error)"])
        }
        recordInStages(event)
    }

    private func recordInStages(_ event: GatewayEvent) {
        for stage in stages {
            do { try stage.record(event) } catch { logger.error("rules.event_failed", metadata: ["error": "\(error)"]) }
        }
    }

    /// The broker had no session for us. On the first connection of this store that is expected;
    /// afterwards it means the broker lost what it had queued for us (restarted without
    /// persistence, expired the session, or dropped it), so readings may be missing upstream of
    /// the gateway: record a `possible_data_gap` event for the rules to alert on.
    private func recordMissingSession(_ sessionKey: String) {
        let metaKey = "mqtt.session." + sessionKey
        let now = clock.now()
        do {
            let event: GatewayEvent
            if try store.metaValue(metaKey) == nil {
                event = GatewayEvent(timestamp: now, kind: .sessionCreated,
                    message: "created the persistent broker session \(sessionKey)")
                try store.setMetaValue(metaKey, RFC3339.format(now))
            } else {
                event = GatewayEvent(timestamp: now, kind: .possibleDataGap,
                    message: "the broker had no session for \(sessionKey) (session-present = 0): messages queued while the gateway was away may be lost")
                logger.warning("mqtt.session_lost", metadata: ["mqtt.session": "\(sessionKey)"])
            }
            if event.kind == .possibleDataGap {
                record(event)
            } else {
                _ = try store.commit(IngestBatch(readings: [], quarantined: [], events: [event]))
            }
        } catch {
            logger.error("store.event_failed", metadata: ["error": "\(error)"])
        }
    }

    private func logQuarantine(_ records: [QuarantineRecord]) {
        let now = clock.now()
        let (shouldLog, suppressed) = quarantineLog.withLock { state -> (Bool, Int) in
            if now - state.lastMillis >= 10_000 {
                let suppressed = state.suppressed
                state = (now, 0)
                return (true, suppressed)
            }
            state.suppressed += records.count
            return (false, 0)
        }
        guard shouldLog, let first = records.first else { return }
        logger.warning("ingest.quarantined", metadata: [
            "mqtt.topic": "\(first.topic)", "route": "\(first.route ?? "-")", "reason": "\(first.reason.rawValue)",
            "detail": "\(first.message)", "batch.quarantined": "\(records.count)",
            "suppressed_since_last": "\(suppressed)",
        ])
    }
}
