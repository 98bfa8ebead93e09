import Foundation
import KilnModel

/// Heat's pure custom constraints. Each returns nil when the value is valid, else the message
/// Heat's `BaseCustomConstraint.error` would give.
enum CommonConstraints {
    static func failure(_ value: Value, _ reason: String? = nil) -> String {
        let text = value.plainText
        guard let reason else { return "Error validating value '\(text)'" }
        return "Error validating value '\(text)': \(reason)"
    }

    @Sendable static func ipAddress(_ value: Value) -> String? {
        guard let text = value.stringValue, NetworkSyntax.ipAddress(text) != nil else {
            return failure(value, "Invalid IP address")
        }
        return nil
    }

    @Sendable static func netCIDR(_ value: Value) -> String? {
        guard let text = value.stringValue else { return failure(value, "Invalid net cidr") }
        return NetworkSyntax.cidrProblem(text).map { failure(value, $0) }
    }

    @Sendable static func ipOrCIDR(_ value: Value) -> String? {
        guard let text = value.stringValue else { return failure(value, "\(value.plainText) is not a valid IP or CIDR") }
        if text.contains("/") { return NetworkSyntax.cidrProblem(text).map { failure(value, $0) } }
        if NetworkSyntax.ipAddress(text) == nil { return failure(value, "'\(text)' is not a valid IP address") }
        return nil
    }

    @Sendable static func macAddress(_ value: Value) -> String? {
        guard let text = value.stringValue, NetworkSyntax.isMAC(text) else {
            return failure(value, "Invalid MAC address.")
        }
        return nil
    }

    // MARK: DNS (heat.common.netutils)

    static let fqdnMaxLength = 255

    static func dnsFormatProblem(_ text: String) -> String? {
        if text.isEmpty { return nil }
        let trimmed = text.hasSuffix(".") ? String(text.dropLast()) : text
        if trimmed.count > fqdnMaxLength { return "'\(trimmed)' exceeds the \(fqdnMaxLength) character FQDN limit" }
        let names = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        for name in names {
            if name.isEmpty { return "Encountered an empty component." }
            if name.hasPrefix("-") || name.hasSuffix("-") { return "Name '\(name)' must not start or end with a hyphen." }
            let valid = name.count <= 63 && name.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
            }
            if !valid {
                return "Name '\(name)' must be 1-63 characters long, each of which can only be alphanumeric or a hyphen."
            }
        }
        if text.hasSuffix("."), names.count > 1, let last = names.last, last.allSatisfy(\.isNumber) {
            return "TLD '\(last)' must not be all numeric."
        }
        return nil
    }

    @Sendable static func dnsName(_ value: Value) -> String? {
        let text = value.plainText
        return dnsFormatProblem(text).map { failure(value, "'\(text)' not in valid format. Reason: \($0)") }
    }

    @Sendable static func relativeDNSName(_ value: Value) -> String? {
        let text = value.plainText
        if text.isEmpty { return nil }
        if text.hasSuffix(".") { return failure(value, "'\(text)' is a FQDN. It should be a relative domain name.") }
        if text.count > fqdnMaxLength - 3 {
            return failure(
                value,
                "'\(text)' contains '\(text.count)' characters. Adding a domain name will cause it to exceed the maximum length of a FQDN of '\(fqdnMaxLength)'."
            )
        }
        return dnsName(value)
    }

    @Sendable static func dnsDomain(_ value: Value) -> String? {
        let text = value.plainText
        if text.isEmpty { return nil }
        if let problem = dnsName(value) { return problem }
        if !text.hasSuffix(".") { return failure(value, "'\(text)' must end with '.'.") }
        return nil
    }

    // MARK: Time

    @Sendable static func iso8601(_ value: Value) -> String? {
        guard let text = value.stringValue, ISO8601Syntax.parse(text) != nil else { return failure(value) }
        return nil
    }

    @Sendable static func expiration(_ value: Value) -> String? {
        let text = value.plainText
        if text.isEmpty { return nil }
        guard let date = ISO8601Syntax.parse(text.trimmingCharacters(in: .whitespaces)) else {
            return failure(value, "Expiration \(text) is invalid: Unable to parse date string '\(text)'")
        }
        if date > Date() { return nil }
        return failure(value, "Expiration \(text) is invalid: Expiration time is out of date.")
    }

    @Sendable static func timezone(_ value: Value) -> String? {
        let text = value.plainText
        if text.isEmpty || TimezoneNames.isKnown(text) { return nil }
        return failure(value, "Invalid timezone: 'No time zone found with key \(text)'")
    }

    @Sendable static func cronExpression(_ value: Value) -> String? {
        let text = value.plainText
        if text.isEmpty { return nil }
        return CronSyntax.problem(in: text).map { failure(value, "Invalid CRON expression: \($0)") }
    }

    @Sendable static func jsonString(_ value: Value) -> String? {
        guard let text = value.stringValue else {
            return failure(value, "JSON string \(value.plainText) is invalid: not a string")
        }
        if text.isEmpty { return nil }
        do {
            _ = try Value.parseJSON(text)
            return nil
        } catch {
            return failure(value, "JSON string \(text) is invalid: \(error)")
        }
    }
}
