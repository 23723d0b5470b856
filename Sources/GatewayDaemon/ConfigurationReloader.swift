import GatewayAdapters
import GatewayAlerting
import GatewayConfig
import GatewayCore
import GatewayIngest
import GatewayMQTT
import Logging
import Synchronization

/// SIGHUP: reads the configuration file again and applies what a running gateway can apply.
///
/// - Invalid: every problem is logged (one line each, as `--check` prints them) and the gateway
///   keeps running on the configuration it has.
/// - Valid: routes, devices, rules, calendar and alerting apply at once, in an order that loses
///   nothing: the decoder is swapped first (each batch is decoded by one configuration, whole),
///   then the subscriptions change between two batches on the ingest loop, then the rule engine is
///   rebuilt from its own state under the new rules (alert state is kept; see
///   `RulesStage.reconfigure`). Acknowledgements still follow commits, so a reload in the middle
///   of a QoS 1 stream neither drops nor duplicates a message. Settings fixed at start (the
///   broker, the state directory, the API listener, …) are named in the log as needing a restart
///   and keep their old values until then.
final class ConfigurationReloader: Sendable {
    /// What one reload did.
    enum Outcome: Sendable, Equatable {
        case rejected(problems: Int)
        case applied(restartRequired: [String])
    }

    private let configPath: String
    private let current: Mutex<GatewayConfiguration>
    private let pipeline: IngestPipeline
    private let rules: RulesStage
    private let client: MQTTIngestClient
    private let link: BrokerLinkTracker
    private let logger: Logger
    /// Serialises reloads (two SIGHUPs in a row run one after the other).
    private let reloading = Mutex(false)

    init(
        configPath: String, configuration: GatewayConfiguration, pipeline: IngestPipeline, rules: RulesStage,
        client: MQTTIngestClient, link: BrokerLinkTracker, logger: Logger
    ) {
        self.configPath = configPath
        current = Mutex(configuration)
        self.pipeline = pipeline
        self.rules = rules
        self.client = client
        self.link = link
        self.logger = logger
    }

    /// Runs one reload (see the type's notes).
    @discardableResult
    func reload() -> Outcome {
        reloading.withLock { _ in reloadLocked() }
    }

    private func reloadLocked() -> Outcome {
        logger.notice("reload.started", metadata: ["config": "\(configPath)"])
        let validated: (GatewayConfiguration, MessageDecoder)
        do {
            validated = try GatewayDaemon.validate(configPath: configPath)
        } catch {
            for problem in error.problems {
                logger.error("reload.problem", metadata: ["problem": "\(problem)"])
            }
            logger.error("reload.rejected", metadata: [
                "config": "\(configPath)", "problems": "\(error.problems.count)",
                "detail": "the gateway keeps running on the configuration it has",
            ])
            return .rejected(problems: error.problems.count)
        }
        let (configuration, decoder) = validated
        let old = current.withLock { $0 }
        var restartRequired = RestartRequiredChanges.between(old, configuration)
        let subscriptions = configuration.routes.map { MQTTSubscription(filter: $0.topic, qos: $0.qos) }

        pipeline.replaceDecoder(decoder)
        // Readiness waits for the new filters' SUBACKs, which may come before this returns.
        link.replaceFilters(subscriptions.map(\.filter))
        // The broker-statistics subscription the daemon started with (pause_ingest) stays.
        client.replaceSubscriptions(subscriptions + client.options.subscriptions.filter { $0.filter.hasPrefix("$SYS/") })
        var applied = configuration
        do {
            try rules.reconfigure(configuration.rules)
        } catch {
            restartRequired.append("rules (\(error))")
            applied.rules = old.rules
        }
        // What needs a restart keeps its old value in the running configuration, so that the
        // next reload still compares against what actually runs.
        applied.gateway = old.gateway
        applied.broker = old.broker
        applied.storage = old.storage
        applied.ingest = old.ingest
        applied.api = old.api
        current.withLock { $0 = applied }
        if !restartRequired.isEmpty {
            logger.warning("reload.restart_required", metadata: [
                "settings": "\(restartRequired.joined(separator: ", "))",
                "detail": "these settings changed but apply only after a restart (systemctl restart utility-gateway)",
            ])
        }
        logger.notice("reload.applied", metadata: [
            "routes": "\(configuration.routes.count)", "rules": "\(applied.rules.rules.count)",
        ])
        return .applied(restartRequired: restartRequired)
    }
}
