import CMosquitto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An MQTT failure: the libmosquitto result code, the library's own text for it, and what we were doing.
///
/// This is the one place where libmosquitto's integer codes become Swift errors (STYLE: "one place where C
/// error codes become Swift errors"). Unknown codes are kept as numbers with libmosquitto's own text, never
/// collapsed into "unknown"; CONNACK refusals carry the broker's reason (MQTT 3.1.1 return code or MQTT 5
/// reason code) in `reasonCode`.
public struct MQTTError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is, so that callers can decide without parsing text.
    public enum Kind: String, Sendable, Hashable {
        /// A libmosquitto call returned a non-success `mosq_err_t`.
        case library
        /// The broker refused the connection in its CONNACK.
        case connectionRefused
        /// The options given to the client are not usable; `message` names the offending option.
        case invalidOptions
        /// Something did not happen within the time allowed.
        case timeout
        /// The operation needs a connection and the client is stopped or disconnected.
        case notConnected
    }

    public var kind: Kind
    /// The libmosquitto `mosq_err_t` value (0 when the failure did not come from a library call).
    public var code: Int32
    /// For `.connectionRefused`: the CONNACK return code (3.1.1) or reason code (MQTT 5).
    public var reasonCode: Int32?
    /// Human text: libmosquitto's `mosquitto_strerror` / `mosquitto_connack_string` /
    /// `mosquitto_reason_string`, or our own description for the other kinds.
    public var message: String
    /// What the client was doing, e.g. `mosquitto_connect_bind_v5 mqtt://127.0.0.1:1883`.
    public var context: String

    public init(kind: Kind, code: Int32 = 0, reasonCode: Int32? = nil, message: String, context: String) {
        self.kind = kind
        self.code = code
        self.reasonCode = reasonCode
        self.message = message
        self.context = context
    }

    public var description: String {
        switch kind {
        case .library:
            return "\(context): libmosquitto error \(code) (\(Self.symbolicName(code))): \(message)"
        case .connectionRefused:
            return "\(context): broker refused the connection, reason \(reasonCode ?? -1): \(message)"
        case .invalidOptions, .timeout, .notConnected:
            return "\(context): \(message)"
        }
    }

    /// Maps a `mosq_err_t` result to an error; `nil` for success.
    ///
    /// `errnoValue` is read by the caller right after the call: libmosquitto returns `MOSQ_ERR_ERRNO`
    /// and leaves the detail in `errno`.
    static func check(_ rc: Int32, _ context: @autoclosure () -> String, errno errnoValue: Int32 = 0) -> MQTTError? {
        guard rc != 0 else { return nil }
        return library(rc, context(), errno: errnoValue)
    }

    /// Builds the error for a non-success `mosq_err_t`.
    static func library(_ rc: Int32, _ context: String, errno errnoValue: Int32 = 0) -> MQTTError {
        var text = String(cString: mosquitto_strerror(rc))
        if rc == Int32(MOSQ_ERR_ERRNO.rawValue), errnoValue != 0, let detail = strerror(errnoValue) {
            text += " (errno \(errnoValue): \(String(cString: detail)))"
        }
        return MQTTError(kind: .library, code: rc, message: text, context: context)
    }

    /// Builds the error for a CONNACK refusal. MQTT 3.1.1 return codes are 1–5; MQTT 5 reason codes are ≥ 0x80.
    static func connackRefused(_ reason: Int32, protocolVersion5: Bool, context: String) -> MQTTError {
        let text = protocolVersion5
            ? String(cString: mosquitto_reason_string(reason))
            : String(cString: mosquitto_connack_string(reason))
        return MQTTError(
            kind: .connectionRefused, code: Int32(MOSQ_ERR_CONN_REFUSED.rawValue), reasonCode: reason,
            message: text, context: context)
    }

    static func invalidOptions(_ message: String) -> MQTTError {
        MQTTError(kind: .invalidOptions, message: message, context: "MQTT client options")
    }

    /// The C enumerator's name, for logs and error text (`MOSQ_ERR_CONN_LOST`); the number for codes newer
    /// than this list, still paired with libmosquitto's own text by `description`.
    static func symbolicName(_ rc: Int32) -> String {
        let names: [Int32: String] = [
            -4: "MOSQ_ERR_AUTH_CONTINUE", -3: "MOSQ_ERR_NO_SUBSCRIBERS", -2: "MOSQ_ERR_SUB_EXISTS",
            -1: "MOSQ_ERR_CONN_PENDING", 0: "MOSQ_ERR_SUCCESS", 1: "MOSQ_ERR_NOMEM", 2: "MOSQ_ERR_PROTOCOL",
            3: "MOSQ_ERR_INVAL", 4: "MOSQ_ERR_NO_CONN", 5: "MOSQ_ERR_CONN_REFUSED", 6: "MOSQ_ERR_NOT_FOUND",
            7: "MOSQ_ERR_CONN_LOST", 8: "MOSQ_ERR_TLS", 9: "MOSQ_ERR_PAYLOAD_SIZE", 10: "MOSQ_ERR_NOT_SUPPORTED",
            11: "MOSQ_ERR_AUTH", 12: "MOSQ_ERR_ACL_DENIED", 13: "MOSQ_ERR_UNKNOWN", 14: "MOSQ_ERR_ERRNO",
            15: "MOSQ_ERR_EAI", 16: "MOSQ_ERR_PROXY", 17: "MOSQ_ERR_PLUGIN_DEFER", 18: "MOSQ_ERR_MALFORMED_UTF8",
            19: "MOSQ_ERR_KEEPALIVE", 20: "MOSQ_ERR_LOOKUP", 21: "MOSQ_ERR_MALFORMED_PACKET",
            22: "MOSQ_ERR_DUPLICATE_PROPERTY", 23: "MOSQ_ERR_TLS_HANDSHAKE", 24: "MOSQ_ERR_QOS_NOT_SUPPORTED",
            25: "MOSQ_ERR_OVERSIZE_PACKET", 26: "MOSQ_ERR_OCSP", 27: "MOSQ_ERR_TIMEOUT",
            28: "MOSQ_ERR_RETAIN_NOT_SUPPORTED", 29: "MOSQ_ERR_TOPIC_ALIAS_INVALID",
            30: "MOSQ_ERR_ADMINISTRATIVE_ACTION", 31: "MOSQ_ERR_ALREADY_EXISTS",
        ]
        return names[rc] ?? "mosq_err_t \(rc)"
    }
}
