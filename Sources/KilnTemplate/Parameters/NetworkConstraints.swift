import Foundation

/// IP, CIDR and MAC address syntax, as neutron-lib and netaddr accept it for Heat's constraints.
enum NetworkSyntax {
    /// Dotted-quad IPv4 with no leading zeros (neutron rejects ambiguous `010.0.0.1`).
    static func ipv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber),
                part == "0" || part.first != "0", let value = UInt8(part)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    /// IPv6 in any RFC 4291 text form (`::` once, an IPv4 tail allowed), as 16 bytes.
    static func ipv6(_ text: Substring) -> [UInt8]? {
        guard text.contains(":") else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String, allowV4Tail: Bool) -> [UInt8]? {
            if part.isEmpty { return [] }
            var out: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if allowV4Tail && index == pieces.count - 1 && piece.contains(".") {
                    guard let v4 = ipv4(piece) else { return nil }
                    out += v4
                    continue
                }
                guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                out += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return out
        }
        if halves.count == 1 {
            guard let all = groups(halves[0], allowV4Tail: true), all.count == 16 else { return nil }
            return all
        }
        guard let head = groups(halves[0], allowV4Tail: false), let tail = groups(halves[1], allowV4Tail: true),
            head.count + tail.count <= 14
        else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    static func ipAddress(_ text: String) -> [UInt8]? {
        ipv4(Substring(text)) ?? ipv6(Substring(text))
    }

    /// nil when `text` is a canonical CIDR, else neutron's complaint.
    static func cidrProblem(_ text: String) -> String? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = ipv4(parts[0]) ?? ipv6(parts[0]) else {
            return "'\(text)' is not a valid IP subnet"
        }
        let bits = address.count * 8
        guard parts.count == 2 else {
            return "'\(text)' isn't a recommended CIDR, '\(text)/\(bits)' is recommended"
        }
        guard parts[1].allSatisfy(\.isNumber), let prefix = Int(parts[1]), prefix <= bits else {
            return "'\(text)' is not a valid IP subnet"
        }
        if address.count == 4 {
            let network = masked(address, prefix: prefix)
            if network != address {
                let shown = network.map(String.init).joined(separator: ".")
                return "'\(text)' isn't a recommended CIDR, '\(shown)/\(prefix)' is recommended"
            }
        }
        return nil
    }

    private static func masked(_ bytes: [UInt8], prefix: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let keep = max(0, min(8, prefix - index * 8))
            return keep == 0 ? 0 : byte & UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
    }

    /// netaddr's EUI-48 forms: `aa:bb:cc:dd:ee:ff`, `aa-bb-...`, `aabb.ccdd.eeff`, `aabbccddeeff`.
    static func isMAC(_ text: String) -> Bool {
        let hex = { (part: Substring, lengths: ClosedRange<Int>) in
            lengths.contains(part.count) && part.allSatisfy(\.isHexDigit)
        }
        for separator in [":", "-"] as [Character] where text.contains(separator) {
            let parts = text.split(separator: separator, omittingEmptySubsequences: false)
            return parts.count == 6 && parts.allSatisfy { hex($0, 1...2) }
        }
        if text.contains(".") {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            return parts.count == 3 && parts.allSatisfy { hex($0, 4...4) }
        }
        return hex(Substring(text), 12...12)
    }
}
