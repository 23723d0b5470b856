#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// systemd credentials (`LoadCredential=`): a secret named in the configuration by its credential
/// name (`password_credential: broker-password`) is the file of that name in
/// `$CREDENTIALS_DIRECTORY`, which systemd fills for the service's processes only — so the unit
/// file and the configuration never hold a secret or a path to one that others could read.
///
/// The `*_file` keys stay for deployments without systemd; a key pair takes one or the other.
public enum CredentialLookup {
    /// `$CREDENTIALS_DIRECTORY`, when set and not empty.
    public static func environmentDirectory() -> String? {
        guard let value = getenv("CREDENTIALS_DIRECTORY") else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }

    /// Whether `name` can be a credential name: systemd's rule is "suitable as a file name".
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && name.utf8.count <= 255
            && !name.utf8.contains(UInt8(ascii: "/")) && !name.utf8.contains(0)
    }
}

extension ConfigMapping {
    /// The secret file named either by `fileKey` (a path) or by `credentialKey` (a systemd
    /// credential name, resolved in `$CREDENTIALS_DIRECTORY`); both at once is a problem. The
    /// file must be readable now when the load checks files.
    ///
    /// Without `$CREDENTIALS_DIRECTORY` a credential key is a problem for the daemon and `--check`
    /// (they must read the secret), and silently absent for loads that do not check files
    /// (`utility-gatewayctl` never needs the daemon's secrets).
    func secretFile(fileKey: String, credentialKey: String, expecting expectation: String) -> String? {
        let file = optional(fileKey)
        guard let credential = optional(credentialKey) else { return file?.readableFile(expecting: expectation) }
        if file != nil {
            credential.report("'\(fileKey)' and '\(credentialKey)' name the same secret; keep one of them")
            return nil
        }
        guard let name = credential.string(expecting: "a systemd credential name such as broker-password") else { return nil }
        guard CredentialLookup.isValidName(name) else {
            credential.report("expected a systemd credential name (a file name without '/'); got \(Phrase.quoted(name))")
            return nil
        }
        let context = owner.context
        guard let directory = context.options.credentialsDirectory else {
            if context.options.checkFiles {
                credential.report(
                    "the credential \(Phrase.quoted(name)) needs $CREDENTIALS_DIRECTORY, which systemd sets for a unit "
                        + "with LoadCredential=\(name) (see systemd/utility-gateway.service); outside systemd use '\(fileKey)'")
            }
            return nil
        }
        let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
        if context.options.checkFiles, FileAccess.checkReadable(path) != nil {
            credential.report(
                "the credential \(Phrase.quoted(name)) is not in $CREDENTIALS_DIRECTORY (\(directory)): put the secret in "
                    + "/etc/credstore/\(name) (mode 0600, root) or an encrypted one in /etc/credstore.encrypted/\(name), "
                    + "and check that the unit has LoadCredential=\(name)")
            return nil
        }
        return path
    }
}

extension ConfigMapping {
    /// An MQTT connection's password (`broker:`, `uplink:`): `password_file` or
    /// `password_credential`, and only together with `username`.
    func mqttPasswordFile() -> String? {
        for key in ["password_file", "password_credential"] {
            if let node = optional(key), !has("username") {
                node.report("'\(key)' needs 'username': MQTT sends a password only together with a user name")
            }
        }
        return secretFile(
            fileKey: "password_file", credentialKey: "password_credential",
            expecting: "the path of a file that holds the password")
    }
}
