import GatewayCore

/// A service ticket: the handbook's steps (accept → investigate → handle → feed back → closed) for
/// one rule on one device — or, during an alarm flood, for one site — with the alerts linked to it,
/// a deadline per step and its append-only history, the service archive.
///
/// Tickets are values owned by a `TicketBook`; every change goes through the book, which appends
/// to `history` and never rewrites it. Encoded with snake_case keys.
public struct Ticket: Sendable, Hashable, Codable, Identifiable {
    /// `T1`, `T2`, … in opening order, never reused.
    public internal(set) var id: String
    /// The rule whose alert opened the ticket; `gateway.flood` for a site's flood ticket.
    public internal(set) var ruleID: String
    public internal(set) var utility: Utility
    public internal(set) var site: String
    /// The device; `*` for a flood ticket, which covers the whole site.
    public internal(set) var device: String
    /// Opened for a safety rule or device (never folded into a flood ticket).
    public internal(set) var safety: Bool
    /// The highest severity of the alerts linked (a flood ticket is always `critical`).
    public internal(set) var severity: Severity
    /// The highest risk level of the alerts linked, with that alert's category.
    public internal(set) var riskLevel: RiskLevel
    public internal(set) var riskCategory: RiskCategory
    public internal(set) var status: TicketStatus
    /// The current step while open; the step it was closed at once closed (`feedback` after a
    /// completed walk).
    public internal(set) var step: TicketStep
    public internal(set) var closeReason: TicketCloseReason?
    public internal(set) var openedAt: EpochMillis
    public internal(set) var closedAt: EpochMillis?
    public internal(set) var assignee: String?
    /// How many step deadlines have been missed (one per late step).
    public internal(set) var escalationLevel: Int
    /// One record per step started, in order; the last is the current step while open.
    public internal(set) var steps: [TicketStepRecord]
    public internal(set) var alerts: [TicketAlertLink]
    /// Every change, in order: the service archive. Append-only.
    public internal(set) var history: [TicketEvent]
    /// The rule's own deadlines (`ticket.steps`), kept so that later steps use them after a restart.
    var stepSpans: TicketStepSpans

    enum CodingKeys: String, CodingKey {
        case id, ruleID = "rule_id", utility, site, device, safety, severity
        case riskLevel = "risk_level", riskCategory = "risk_category", status, step
        case closeReason = "close_reason", openedAt = "opened_at", closedAt = "closed_at", assignee
        case escalationLevel = "escalation_level", steps, alerts, history, stepSpans = "step_spans"
    }

    /// `open` at a step, or `closed` with a reason.
    public var state: TicketState {
        if status == .closed, let closeReason { return .closed(closeReason) }
        return .open(step)
    }

    public var isOpen: Bool { status == .open }
    public var isFlood: Bool { ruleID == TicketBook.floodRuleID }
    public var risk: Risk { Risk(level: riskLevel, category: riskCategory) }

    /// `utility/site/device`.
    public var deviceKey: String { "\(utility.rawValue)/\(site)/\(device)" }

    /// The running deadline of the current step; `nil` once closed.
    public var currentDeadline: EpochMillis? {
        isOpen ? steps.last?.deadline : nil
    }

    /// Open and past the current step's deadline at `now` (strictly after it).
    public func isOverdue(at now: EpochMillis) -> Bool {
        guard let currentDeadline else { return false }
        return now > currentDeadline
    }
}

/// Whether a ticket is open or closed (raw values `open`, `closed`).
public enum TicketStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case open, closed
}

/// A ticket's state: open at its current step, or closed with the reason.
public enum TicketState: Sendable, Hashable {
    case open(TicketStep)
    case closed(TicketCloseReason)
}

/// Why a ticket was closed.
public enum TicketCloseReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// All four steps were done (set by the `feedback` step; not accepted by `close`).
    case completed
    case falseAlarm = "false_alarm"
    case duplicate
    case resolved
    case other
}

/// One step of a ticket: when it started, when it is due, and when and by whom it was done.
public struct TicketStepRecord: Sendable, Hashable, Codable {
    public internal(set) var step: TicketStep
    public internal(set) var startedAt: EpochMillis
    public internal(set) var deadline: EpochMillis
    public internal(set) var doneAt: EpochMillis?
    public internal(set) var doneBy: String?
    /// Set once, when `checkDeadlines` found the step past its deadline.
    public internal(set) var overdue: Bool

    enum CodingKeys: String, CodingKey {
        case step, startedAt = "started_at", deadline, doneAt = "done_at", doneBy = "done_by", overdue
    }
}

/// An alert linked to a ticket (the alert that opened it, a re-firing, or one folded into a flood
/// ticket).
public struct TicketAlertLink: Sendable, Hashable, Codable {
    public var alertID: String
    public var ruleID: String
    public var utility: Utility
    public var site: String
    public var device: String
    public var metric: String
    public var severity: Severity
    public var at: EpochMillis

    public init(
        alertID: String, ruleID: String, utility: Utility, site: String, device: String, metric: String,
        severity: Severity, at: EpochMillis
    ) {
        self.alertID = alertID
        self.ruleID = ruleID
        self.utility = utility
        self.site = site
        self.device = device
        self.metric = metric
        self.severity = severity
        self.at = at
    }

    enum CodingKeys: String, CodingKey {
        case alertID = "alert_id", ruleID = "rule_id", utility, site, device, metric, severity, at
    }
}

/// A rule's per-step deadlines, in a persistable form (`DeadlineSpan` itself is not `Codable`).
struct TicketStepSpans: Sendable, Hashable, Codable {
    struct Span: Sendable, Hashable, Codable {
        var millis: Int64?
        var workingDays: Int?

        enum CodingKeys: String, CodingKey {
            case millis, workingDays = "working_days"
        }

        init(_ span: DeadlineSpan) {
            switch span {
            case .duration(let millis): self.millis = millis
            case .workingDays(let days): self.workingDays = days
            }
        }

        var span: DeadlineSpan? {
            if let millis { return .duration(millis: millis) }
            if let workingDays { return .workingDays(workingDays) }
            return nil
        }
    }

    var accept: Span?
    var investigate: Span?
    var handle: Span?
    var feedback: Span?

    init(_ steps: [TicketStep: DeadlineSpan]) {
        accept = steps[.accept].map(Span.init)
        investigate = steps[.investigate].map(Span.init)
        handle = steps[.handle].map(Span.init)
        feedback = steps[.feedback].map(Span.init)
    }

    subscript(step: TicketStep) -> DeadlineSpan? {
        switch step {
        case .accept: accept?.span
        case .investigate: investigate?.span
        case .handle: handle?.span
        case .feedback: feedback?.span
        }
    }
}

extension TicketStep {
    /// The step after this one; `nil` after `feedback`.
    var next: TicketStep? {
        switch self {
        case .accept: .investigate
        case .investigate: .handle
        case .handle: .feedback
        case .feedback: nil
        }
    }

    var order: Int { TicketStep.allCases.firstIndex(of: self) ?? 0 }
}
