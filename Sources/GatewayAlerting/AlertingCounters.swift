import CoreMetrics
import GatewayCore
import GatewayRules
import Synchronization

/// What the rules stage reports to `/metrics`: alerts by state and severity, tickets by step,
/// overdue steps, and how long evaluation takes.
public final class AlertingCounters: Sendable {
    private let factory: any MetricsFactory
    private let current = Mutex<(alerts: [String: AlertKey], tickets: [String: String])>(([:], [:]))
    private let alertGauges = Mutex<[AlertKey: Gauge]>([:])
    private let ticketGauges = Mutex<[String: Gauge]>([:])
    private let overdue: Counter
    private let evaluationLatency: Timer
    private let readingsEvaluated: Counter

    struct AlertKey: Hashable, Sendable {
        var state: String
        var severity: String
    }

    public init(metricsFactory: any MetricsFactory = NOOPMetricsHandler.instance) {
        factory = metricsFactory
        overdue = Counter(label: "gateway_ticket_steps_overdue_total", factory: metricsFactory)
        evaluationLatency = Timer(label: "gateway_rules_evaluation_seconds", factory: metricsFactory)
        readingsEvaluated = Counter(label: "gateway_rules_readings_evaluated_total", factory: metricsFactory)
    }

    func rebuild(from alerts: [AlertRecord], openTickets: [Ticket]) {
        current.withLock { current in
            current.alerts = Dictionary(alerts.map { ($0.id, AlertKey(state: $0.state.rawValue, severity: $0.severity.rawValue)) }) { a, _ in a }
            current.tickets = Dictionary(openTickets.map { ($0.id, $0.step.rawValue) }) { a, _ in a }
        }
        publish()
    }

    func evaluated(_ count: Int, in duration: Duration) {
        readingsEvaluated.increment(by: count)
        evaluationLatency.recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    func alertEvents(_ events: [AlertEvent]) {
        current.withLock { current in
            for event in events {
                if event.endsAlert {
                    current.alerts[event.alertID] = nil
                } else {
                    current.alerts[event.alertID] = AlertKey(state: event.state.rawValue, severity: event.severity.rawValue)
                }
            }
        }
        publish()
    }

    func ticketEvents(_ events: [TicketEvent]) {
        current.withLock { current in
            for event in events {
                switch event.kind {
                case .closed: current.tickets[event.ticketID] = nil
                case .overdue: overdue.increment()
                default:
                    if let step = event.nextStep ?? event.step { current.tickets[event.ticketID] = step.rawValue }
                }
            }
        }
        publish()
    }

    /// Gauges are set from the current tables (every combination seen keeps a series, at 0 when
    /// empty, so `rate()` and alert rules on them never see a series vanish).
    private func publish() {
        let (alerts, tickets) = current.withLock { ($0.alerts, $0.tickets) }
        var alertCounts: [AlertKey: Int] = [:]
        for key in alerts.values { alertCounts[key, default: 0] += 1 }
        alertGauges.withLock { gauges in
            for key in Set(gauges.keys).union(alertCounts.keys) {
                let gauge = gauges[key] ?? Gauge(
                    label: "gateway_alerts", dimensions: [("state", key.state), ("severity", key.severity)], factory: factory)
                gauges[key] = gauge
                gauge.record(Double(alertCounts[key] ?? 0))
            }
        }
        var ticketCounts: [String: Int] = [:]
        for step in tickets.values { ticketCounts[step, default: 0] += 1 }
        ticketGauges.withLock { gauges in
            for step in Set(gauges.keys).union(ticketCounts.keys).union(TicketStep.allCases.map(\.rawValue)) {
                let gauge = gauges[step] ?? Gauge(label: "gateway_tickets_open", dimensions: [("step", step)], factory: factory)
                gauges[step] = gauge
                gauge.record(Double(ticketCounts[step] ?? 0))
            }
        }
    }
}
