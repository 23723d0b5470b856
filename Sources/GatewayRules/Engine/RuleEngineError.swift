/// Why an operator action was refused. Each case has a stable `code` and a `message` that names
/// what was wrong and what would have been accepted.
public enum RuleEngineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No alert with this id was ever raised.
    case unknownAlert(id: String)
    /// The alert existed but is over (cleared, cancelled while pending, or its rule was removed).
    case alertClosed(id: String)
    /// The action is not allowed on the alert as it is now.
    case notAllowed(id: String, action: String, state: AlertState, reason: String)
    /// Operator actions need a named actor (the API token's name).
    case missingActor
    /// A shelving or out-of-service expiry that is not after the action's time.
    case expiryNotInFuture(until: Int64, now: Int64)
    /// `in-service` for a device that is not out of service.
    case deviceInService(DeviceKey)

    public var code: String {
        switch self {
        case .unknownAlert: "unknown_alert"
        case .alertClosed: "alert_closed"
        case .notAllowed: "not_allowed"
        case .missingActor: "missing_actor"
        case .expiryNotInFuture: "expiry_not_in_future"
        case .deviceInService: "device_in_service"
        }
    }

    public var message: String {
        switch self {
        case .unknownAlert(let id):
            "no alert \(id): expected the id of a current alert, such as A12"
        case .alertClosed(let id):
            "alert \(id) is over (cleared or cancelled); only current alerts can be changed"
        case .notAllowed(let id, let action, let state, let reason):
            "cannot \(action) alert \(id) in state \(state.rawValue): \(reason)"
        case .missingActor:
            "an operator action needs an actor (the name of who does it), got an empty one"
        case .expiryNotInFuture(let until, let now):
            "the expiry \(until) is not after the time of the action \(now): expected a later time"
        case .deviceInService(let device):
            "device \(device) is not out of service, so it cannot be put back in service"
        }
    }

    public var description: String { "\(code): \(message)" }
}
