/// `alerting:` — the noise controls of the rule engine (ISA-18.2 / EEMUA 191 practice).
public struct AlertingSettings: Sendable, Hashable {
    /// An alert that activates this many times within `chatteringWindowMillis` is chattering: it
    /// is shelved automatically for `chatteringShelveMillis` (never a safety rule's alert).
    public var chatteringActivations: Int
    public var chatteringWindowMillis: Int64
    public var chatteringShelveMillis: Int64
    /// More than `floodNewAlerts` new alerts at one site within `floodWindowMillis` raise one
    /// site-level flood alert; it ends when the rate falls below `floodEndBelow` per window.
    public var floodNewAlerts: Int
    public var floodWindowMillis: Int64
    public var floodEndBelow: Int
    /// How long the link to the local broker may be down before `broker.link_down` is raised. A
    /// broker restart or a network blip of a few seconds raises nothing (the devices' `no_data`
    /// alerts are held from the first moment either way). Default 30 s: well within a control
    /// room's expectation of "we are blind", past mosquitto's restart time.
    public var brokerLinkDownAfterMillis: Int64

    public init(
        chatteringActivations: Int = 3, chatteringWindowMillis: Int64 = 60_000, chatteringShelveMillis: Int64 = 3_600_000,
        floodNewAlerts: Int = 10, floodWindowMillis: Int64 = 600_000, floodEndBelow: Int = 5,
        brokerLinkDownAfterMillis: Int64 = 30_000
    ) {
        self.brokerLinkDownAfterMillis = brokerLinkDownAfterMillis
        self.chatteringActivations = chatteringActivations
        self.chatteringWindowMillis = chatteringWindowMillis
        self.chatteringShelveMillis = chatteringShelveMillis
        self.floodNewAlerts = floodNewAlerts
        self.floodWindowMillis = floodWindowMillis
        self.floodEndBelow = floodEndBelow
    }
}

/// Everything the rule engine is configured with: `devices:`, `rules:`, `calendar:`, `alerting:`.
public struct RulesConfiguration: Sendable, Hashable {
    public var devices: DeviceRegistry
    public var rules: [RuleDefinition]
    public var calendar: WorkCalendar
    public var alerting: AlertingSettings

    public init(
        devices: DeviceRegistry = DeviceRegistry(), rules: [RuleDefinition] = [], calendar: WorkCalendar = WorkCalendar(),
        alerting: AlertingSettings = AlertingSettings()
    ) {
        self.devices = devices
        self.rules = rules
        self.calendar = calendar
        self.alerting = alerting
    }
}
