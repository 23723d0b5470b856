import Foundation
import GatewayCore
import Logging

/// One line per event on stderr, in the form journald and a terminal both read well.
///
/// Under systemd (`$JOURNAL_STREAM` set) each line starts with the syslog priority in angle
/// brackets (`<6>`), which journald turns into the entry's priority — so `journalctl -p warning`
/// works — and the timestamp is left to the journal. In a terminal the line starts with an RFC 3339
/// time and the level name. Metadata follows the message as sorted `key=value` pairs; values with
/// spaces or quotes are quoted, and newlines are escaped so that one event stays one line.
public struct JournalLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let underJournal: Bool

    public init(label: String, level: Logger.Level, underJournal: Bool = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil) {
        self.label = label
        self.logLevel = level
        self.underJournal = underJournal
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let line = format(level: event.level, message: event.message.description, metadata: merged)
        line.withCString { pointer in
            // One write(2) per line, so that lines from several threads never interleave.
            _ = Foundation.write(STDERR_FILENO, pointer, strlen(pointer))
        }
    }

    func format(level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        var line = underJournal
            ? "<\(Self.priority(level))>"
            : "\(RFC3339Now.string()) \(level.rawValue.uppercased()) "
        line += "\(label): \(Self.oneLine(message))"
        for key in metadata.keys.sorted() {
            line += " \(key)=\(Self.quoteIfNeeded(Self.oneLine(metadata[key]!.description)))"
        }
        return line + "\n"
    }

    /// syslog(3) priorities, which journald reads from the `<N>` prefix.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    static func oneLine(_ text: String) -> String {
        guard text.contains(where: { $0 == "\n" || $0 == "\r" }) else { return text }
        return text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
    }

    static func quoteIfNeeded(_ text: String) -> String {
        guard text.isEmpty || text.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

/// The current time for terminal log lines.
enum RFC3339Now {
    static func string() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        let millis = Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec / 1_000_000)
        return RFC3339.format(millis)
    }
}
