import ArgumentParser
import Foundation
import GatewayCore

/// `--note TEXT`: what the operator wants on the record with an action (kept in the history).
struct NoteOption: ParsableArguments {
    @Option(help: ArgumentHelp("A note for the history (who was called, what was seen, …).", valueName: "text"))
    var note: String?
}

/// How an action's result is printed: a sentence for people, or the API's answer for scripts.
struct ActionOutputOption: ParsableArguments {
    @Flag(help: "Print the API's answer (the changed object, as JSON) instead of a sentence.")
    var json = false

    /// Prints `answer` as JSON, or `sentence` followed by what the answer says about the state
    /// (`state active_ack`, `step investigate`, `deadline …`) when it says it.
    func report(_ answer: Data, _ sentence: String) {
        if json {
            let text = String(decoding: answer, as: UTF8.self)
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            return
        }
        let details = Self.details(answer)
        print(details.isEmpty ? sentence : "\(sentence): \(details)")
    }

    /// The state fields of an answer, whether the object is the answer itself or sits under one key
    /// (`{"alert": {…}}`): the CLI does not depend on more of the answer's shape than that.
    static func details(_ answer: Data) -> String {
        guard var object = try? JSONSerialization.jsonObject(with: answer) as? [String: Any] else { return "" }
        for key in ["alert", "ticket", "device", "item"] {
            if let inner = object[key] as? [String: Any] { object = inner }
        }
        let shown: [(key: String, label: String)] = [
            ("state", "state"), ("step", "step"), ("deadline", "deadline"), ("shelved_until", "shelved until"),
            ("flags", "flags"), ("out_of_service", "out of service"), ("until", "until"), ("assignee", "assignee"),
        ]
        return shown.compactMap { field in
            switch object[field.key] {
            case let text as String where !text.isEmpty: "\(field.label) \(text)"
            case let flag as Bool: "\(field.label) \(flag ? "yes" : "no")"
            default: nil
            }
        }.joined(separator: ", ")
    }
}

/// A path segment for the API's URLs (a device id may hold characters a URL path may not).
func pathSegment(_ text: String) -> String {
    var allowed = CharacterSet.urlPathAllowed
    allowed.remove(charactersIn: "/;?#%")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}
