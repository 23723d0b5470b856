/// The rule engine's reserved rule ids for alerts it raises itself.
public enum GatewayRuleID {
    /// The MQTT session came back without our queued messages (`GatewayEvent.Kind.possibleDataGap`).
    public static let possibleDataGap = "gateway.possible_data_gap"
    /// Too many new alerts at one site (flood control).
    public static let flood = "gateway.flood"
}
