/// Why a ticket action was refused. Nothing changed; the message names what was wrong and what
/// was expected, for the API and the CLI to show as is.
public struct TicketRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable machine-readable code (the API maps it to a status: `ticket_not_found` → 404,
    /// the rest → 409 or 400).
    public enum Code: String, Sendable, Hashable, Codable, CaseIterable {
        case ticketNotFound = "ticket_not_found"
        case ticketClosed = "ticket_closed"
        case stepOutOfOrder = "step_out_of_order"
        case stepAlreadyDone = "step_already_done"
        case actorMissing = "actor_missing"
        case assigneeMissing = "assignee_missing"
        case noteMissing = "note_missing"
        case reasonNotAllowed = "reason_not_allowed"
    }

    public var code: Code
    public var ticketID: String
    public var message: String

    public init(_ code: Code, ticketID: String, _ message: String) {
        self.code = code
        self.ticketID = ticketID
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
