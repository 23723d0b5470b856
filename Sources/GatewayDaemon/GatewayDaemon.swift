import Foundation
import GatewayAPI
import GatewayAdapters
import GatewayAlerting
import GatewayConfig
import GatewayCore
import GatewayForward
import GatewayIngest
import GatewayMQTT
import GatewayStore
import Logging
import Prometheus
import ServiceLifecycle
import UnixSignals

/// The composition root: reads the configuration, opens the store, builds every route's adapter
/// and the MQTT client, and runs them as services until SIGTERM or SIGINT.
///
/// Shutdown order is the reverse of the pipeline: intake stops first (the MQTT loop finishes its
/// batch and acknowledges it), then the store is closed. The process exits 0 after a graceful stop.
public enum GatewayDaemon {
    /// Loads and fully validates a configuration: the YAML schema, then every route's adapter
    /// options and the API's token file, with all problems of both stages reported together.
    public static func validate(configPath: String) throws(ConfigurationError) -> (GatewayConfiguration, MessageDecoder) {
        let loaded = try ConfigurationLoader.load(
            path: configPath, options: .init(checkFiles: true, formats: AdapterRegistry.standard.formats))
        let configuration = loaded.configuration
        var problems: [ConfigurationProblem] = []
        var decoder: MessageDecoder?
        do {
            decoder = try MessageDecoder(routes: configuration.routes, limits: configuration.ingest)
        } catch {
            problems += error.errors.map { routeError in
                let index = configuration.routes.firstIndex { $0.id == routeError.routeID } ?? 0
                return loaded.sourceMap.problem(at: "routes[\(index)].\(routeError.keyPath)", routeError.message)
            }
        }
        // The token file's lines are checked here too, so that `--check` catches a short token
        // before a restart does.
        if configuration.api.enabled, let tokenFile = configuration.api.tokenFile {
            do {
                _ = try APITokens.load(path: tokenFile)
            } catch {
                problems.append(loaded.sourceMap.problem(at: "api.token_file", "\(error)"))
            }
        }
        guard problems.isEmpty, let decoder else { throw ConfigurationError(problems: problems) }
        return (configuration, decoder)
    }

    /// How one run of the gateway ended.
    enum RunOutcome {
        /// Asked to stop (SIGTERM, SIGINT).
        case stopped
        /// The store file was found damaged: start again, on a fresh store (`StoreDamageWatch`).
        case storeDamaged
    }

    /// Runs the gateway until it is asked to stop — starting it again, in-process, on a fresh store
    /// if its store file is found damaged.
    ///
    /// - Parameter configPath: the file SIGHUP reads again (see `ConfigurationReloader`).
    public static func run(
        configPath: String, configuration: GatewayConfiguration, decoder: MessageDecoder, logger: Logger
    ) async throws {
        while try await runOnce(configPath: configPath, configuration: configuration, decoder: decoder, logger: logger)
            == .storeDamaged
        {
            logger.notice("gateway.restarting", metadata: ["reason": "the store file was damaged"])
        }
    }

    static func runOnce(
        configPath: String, configuration: GatewayConfiguration, decoder: MessageDecoder, logger: Logger
    ) async throws -> RunOutcome {
        // First, before anything can take long: SIGHUP's default action would end the process.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let notifier = SystemdNotifier()
        let stateDirectory = configuration.gateway.stateDirectory
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        // A damaged file (SQLite says so at open, or a previous run marked it) is moved aside and a
        // fresh store started: the gateway must keep taking readings, not fail at every start.
        let (store, damaged) = try ReadingStore.openRecovering(
            path: configuration.gateway.databasePath, synchronous: configuration.storage.synchronous,
            logger: logger, now: SystemWallClock().now(), syncIntervalSeconds: configuration.storage.syncIntervalSeconds)
        let damage = StoreDamageWatch(path: configuration.gateway.databasePath, logger: logger)
        logger.notice("store.opened", metadata: [
            "store.path": "\(configuration.gateway.databasePath)", "store.generation": "\(store.generation)",
            "store.synchronous": "\(configuration.storage.synchronous.rawValue)",
            "store.sync_interval_s": "\(configuration.storage.synchronous == .normal ? "\(configuration.storage.syncIntervalSeconds)" : "every commit")",
        ])
        defer {
            do { try store.close() } catch { logger.error("store.close_failed", metadata: ["error": "\(error)"]) }
        }

        let broker = configuration.broker
        let password = try broker.passwordFile.map { try ConfigurationLoader.readSecret(path: $0) }
        let sessionKey = broker.session == .persistent ? "\(broker.url)#\(broker.clientID)" : nil
        // One registry for everything `/metrics` shows; swift-metrics handles are made from this
        // factory explicitly rather than through the global bootstrap, so tests can run several
        // gateways' counters side by side.
        let registry = PrometheusCollectorRegistry()
        var metricsFactory = PrometheusMetricsFactory(registry: registry)
        // Commits take about a millisecond here and far longer on SD cards: buckets from 1 ms to 10 s.
        metricsFactory.durationHistogramBuckets["gateway_ingest_commit_latency_seconds"] = [
            .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .microseconds(2_500_000), .seconds(5), .seconds(10),
        ]
        // Webhooks take their cursors now, before the rules stage can append an event.
        let webhooks = try startWebhooks(configuration, metricsFactory: metricsFactory, logger: logger)
        defer {
            do { try webhooks?.close() } catch { logger.error("webhook.close_failed", metadata: ["error": "\(error)"]) }
        }
        let subscriptions = configuration.routes.map { MQTTSubscription(filter: $0.topic, qos: $0.qos) }
        let startedAt = SystemWallClock().now()
        let counters = IngestCounters(
            routeIDs: configuration.routes.map(\.id), metricsFactory: metricsFactory, startedAt: startedAt)
        let link = BrokerLinkTracker(filters: subscriptions.map(\.filter), metricsFactory: metricsFactory)
        // Evaluate → alert/ticket, fed by the commits on a thread of its own (restores its state first).
        let rules = try RulesStage(
            configuration: configuration.rules, store: store,
            counters: AlertingCounters(metricsFactory: metricsFactory), logger: logger)
        if let damaged { try recordRecovery(damaged, store: store, rules: rules) }
        if store.previousRunEndedUncleanly { damage.checkInBackground() }
        let diskSpace = DiskSpace()
        let wakeBuffer = LateBinding<@Sendable () -> Void>()
        let pipeline = IngestPipeline(
            decoder: decoder, store: store, counters: counters, link: link, limits: configuration.ingest,
            sessionKey: sessionKey, stages: [rules], stagesOnOwnThread: true, onStoreDamage: { damage.report($0.description) },
            diskSpace: diskSpace, onDiskFull: { wakeBuffer.value?() }, commitTrace: CommitTrace.fromEnvironment(),
            logger: logger)
        let pausing = configuration.buffer.whenFull == .pauseIngest
        // With pause_ingest the broker's own drop counter is shown too (optional subscription).
        let options = MQTTClientOptions(
            broker: broker, password: password,
            subscriptions: subscriptions + (pausing ? [MQTTSubscription(filter: IngestPipeline.brokerDroppedTopic, qos: 0)] : []),
            statusTopic: configuration.gateway.statusTopic)
        let watchdog = notifier.map { SystemdWatchdog(notifier: $0, link: link, counters: counters) }
        let client = MQTTIngestClient(
            options: options, handler: pipeline, logger: logger, heartbeat: { watchdog?.heartbeat() })

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        // Store-and-forward: its own connection to the store and to the central broker.
        var uplinkMonitor: UplinkMonitor?
        var outbox: ForwardOutbox?
        // The buffer policy: retention and the size bound, on its own connection and thread.
        let keeper = try BufferKeeper(path: configuration.gateway.databasePath, synchronous: configuration.storage.synchronous)
        defer {
            do { try keeper.close() } catch { logger.error("buffer.close_failed", metadata: ["error": "\(error)"]) }
        }
        let buffer = configuration.buffer
        let enforcer = BufferEnforcer(
            keeper: keeper,
            policy: BufferPolicy(
                maxBytes: buffer.maxBytes, retentionMillis: Int64(buffer.retentionSeconds * 1000),
                dropOldestWhenFull: buffer.whenFull == .dropOldestReadings, forwarding: configuration.uplink != nil),
            metricsFactory: metricsFactory, logger: logger, diskSpace: diskSpace,
            pauseIngest: { client.setPaused($0) },
            onConditions: { conditions, before in
                recordBufferConditions(conditions, before: before, store: store, rules: rules, logger: logger)
            })
        wakeBuffer.value = { enforcer.wakeUp() }
        services.append(.init(service: ThreadService(
            name: "buffer-policy", stoppedEvent: "buffer.stopped", logger: logger,
            loop: { enforcer.run() }, stop: { enforcer.stop() })))
        if let uplink = configuration.uplink {
            let opened = try ForwardOutbox(path: configuration.gateway.databasePath, synchronous: configuration.storage.synchronous)
            outbox = opened
            let monitor = UplinkMonitor(metricsFactory: metricsFactory)
            uplinkMonitor = monitor
            let forwarder = UplinkForwarder(
                settings: uplink, password: try uplink.passwordFile.map { try ConfigurationLoader.readSecret(path: $0) },
                gatewayID: configuration.gateway.id, outbox: opened, monitor: monitor, logger: logger)
            // Listed before the ingest loop, so shut down after it: the forwarder is the last to let
            // go of the store's connections it uses.
            services.append(.init(service: ThreadService(
                name: "uplink-forward", stoppedEvent: "uplink.service_stopped", logger: logger,
                loop: { forwarder.run() }, stop: { forwarder.stop() })))
        }
        defer {
            do { try outbox?.close() } catch { logger.error("uplink.outbox_close_failed", metadata: ["error": "\(error)"]) }
        }
        if let webhooks { services.append(.init(service: NotifyService(dispatcher: webhooks))) }
        // Evaluate → alert/ticket on a thread of its own, fed by the commits (see
        // `IngestPipeline.runStagesUntilStopped`). Listed before the ingest loop, so it stops after it.
        services.append(.init(service: ThreadService(
            name: "rules-evaluate", stoppedEvent: "rules.stopped", logger: logger,
            loop: { pipeline.runStagesUntilStopped() }, stop: { pipeline.stopStages() })))
        services.append(.init(service: ThreadService(
            name: "mqtt-ingest", stoppedEvent: "ingest.stopped", logger: logger,
            loop: { try client.run() }, stop: { client.stop() })))
        var environment: GatewayAPIEnvironment?
        if configuration.api.enabled {
            // Opened after the writer, so it reads the live WAL (see StoreReader).
            let reader = try StoreReader(path: configuration.gateway.databasePath)
            let api = GatewayAPIEnvironment(
                gatewayID: configuration.gateway.id, brokerURL: "\(broker.url)", startedAt: startedAt,
                counters: counters, link: link, reader: reader, registry: registry, rules: rules,
                uplinkStatus: uplinkMonitor.map { monitor in
                    let url = configuration.uplink?.url ?? broker.url
                    return { @Sendable in monitor.linkState(url: url, now: SystemWallClock().now()) }
                },
                bufferStatus: { @Sendable in
                    let dropped = pipeline.brokerDropped.load(ordering: .relaxed)
                    return enforcer.bufferState(brokerDropped: dropped >= 0 ? dropped : nil)
                },
                webhookStatus: webhooks.map { webhooks in { @Sendable in webhooks.webhookStates() } })
            api.storeReady.store(true, ordering: .relaxed)
            environment = api
            services.append(.init(
                service: try APIServer.make(
                    settings: configuration.api, environment: api, logger: logger,
                    onListening: { notifier?.send("READY=1\nSTATUS=API listening; broker \(link.snapshot.state.rawValue)") }),
                successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        defer { environment?.storeReady.store(false, ordering: .relaxed) }
        let reloader = ConfigurationReloader(
            configPath: configPath, configuration: configuration, pipeline: pipeline, rules: rules, client: client,
            link: link, logger: logger)
        services.append(.init(
            service: SystemdLifecycleService(
                notifier: notifier, reloader: reloader, hangups: hangups, readyAtStart: !configuration.api.enabled,
                logger: logger),
            successTerminationBehavior: .gracefullyShutdownGroup))

        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        logger.notice("gateway.started", metadata: [
            "gateway.id": "\(configuration.gateway.id)", "mqtt.broker": "\(broker.url)",
            "routes": "\(configuration.routes.count)",
        ])
        damage.onDetected { Task { await group.triggerGracefulShutdown() } }
        try await group.run()
        // Intake has stopped: write the rules' cursor and state, so the next start need not
        // evaluate the last seconds again.
        do { try rules.finish() } catch { logger.error("rules.write_failed", metadata: ["error": "\(error)"]) }
        logger.notice("gateway.stopped", metadata: ["ingest": "\(pipeline.counters.snapshot)"])
        return damage.detected ? .storeDamaged : .stopped
    }

    /// The buffer's conditions changed: events in the store, and the `buffer.high_water`,
    /// `buffer.dropping` and `store.disk_full` alerts raised or cleared. Called on the buffer policy's thread. At the
    /// first pass (`before == nil`) a condition that does not hold is only handed to the rules —
    /// to clear an alert left from before a restart — and not written as an event every start.
    static func recordBufferConditions(
        _ conditions: BufferConditions, before: BufferConditions?, store: ReadingStore, rules: RulesStage, logger: Logger
    ) {
        let now = SystemWallClock().now()
        let used = "\(conditions.usedBytes) of \(conditions.maxBytes) bytes (buffer.max_bytes)"
        var changes: [(event: GatewayEvent, stored: Bool)] = []
        if conditions.highWater != before?.highWater {
            changes.append((GatewayEvent(
                timestamp: now, kind: conditions.highWater ? .bufferHighWater : .bufferBelowHighWater,
                message: conditions.highWater
                    ? "the database uses \(used), at or above the 80 % high-water mark"
                    : "the database uses \(used), below the 80 % high-water mark"), conditions.highWater || before != nil))
        }
        if conditions.dropping != before?.dropping {
            changes.append((GatewayEvent(
                timestamp: now, kind: conditions.dropping ? .bufferDropping : .bufferStoppedDropping,
                message: conditions.dropping
                    ? "the buffer policy dropped the \(conditions.droppedInPass) oldest readings to stay under buffer.max_bytes"
                    : "the buffer policy dropped no readings in its last pass"), conditions.dropping || before != nil))
        }
        if conditions.diskFull != before?.diskFull {
            changes.append((GatewayEvent(
                timestamp: now, kind: conditions.diskFull ? .diskFull : .diskSpaceReturned,
                message: conditions.diskFull
                    ? "the file system under the store is full: commits fail and acknowledgements are withheld until there is room"
                    : "the file system under the store has room again"), conditions.diskFull || before != nil))
        }
        // Separately: on a full disk both writes fail, and the rules stage keeps its alert events
        // pending until a write succeeds (status and metrics say so meanwhile).
        do {
            let stored = changes.filter(\.stored).map(\.event)
            if !stored.isEmpty { try store.commit(IngestBatch(events: stored)) }
        } catch {
            logger.error("buffer.event_failed", metadata: ["error": "\(error)"])
        }
        for change in changes {
            do { try rules.record(change.event) } catch { logger.error("buffer.alert_failed", metadata: ["error": "\(error)"]) }
        }
    }

    /// A fresh store replaced a damaged one: an event in the new store, and a critical alert
    /// (`gateway.store_recovered`) that says where the old file is.
    static func recordRecovery(_ damaged: DamagedStore, store: ReadingStore, rules: RulesStage) throws {
        let event = GatewayEvent(
            timestamp: SystemWallClock().now(), kind: .storeRecovered,
            message: "the store file was damaged (\(damaged.reason)); it was moved aside to \(damaged.movedTo) "
                + "and a fresh store (generation \(store.generation)) started. Readings stored before are "
                + "only in that file: salvage them with `sqlite3 \(damaged.movedTo) .recover`")
        try store.commit(IngestBatch(events: [event]))
        try rules.record(event)
    }
}
