import Foundation

/// An IPv4 or IPv6 address as a number, for address arithmetic (subnets, pools, allocation).
public struct IPAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let value: UInt128
    public let version: Int

    public init(value: UInt128, version: Int) {
        self.value = value
        self.version = version
    }

    public init?(_ text: String) {
        if text.contains(":") {
            guard let value = Self.parseV6(text) else { return nil }
            self.init(value: value, version: 6)
        } else {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var value: UInt128 = 0
            for part in parts {
                guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let octet = UInt8(part) else { return nil }
                value = value << 8 | UInt128(octet)
            }
            self.init(value: value, version: 4)
        }
    }

    public var bits: Int { version == 4 ? 32 : 128 }

    public var description: String {
        if version == 4 {
            return (0..<4).map { String((value >> UInt128(24 - $0 * 8)) & 0xff) }.joined(separator: ".")
        }
        let groups = (0..<8).map { Int((value >> UInt128(112 - $0 * 16)) & 0xffff) }
        // The longest run of two or more zero groups becomes "::".
        var best = (start: -1, length: 0), run = (start: -1, length: 0)
        for (index, group) in groups.enumerated() {
            if group == 0 {
                run = run.start < 0 ? (index, 1) : (run.start, run.length + 1)
                if run.length > best.length { best = run }
            } else {
                run = (-1, 0)
            }
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.length >= 2 else { return hex.joined(separator: ":") }
        let head = hex[..<best.start].joined(separator: ":"), tail = hex[(best.start + best.length)...].joined(separator: ":")
        return head + "::" + tail
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool { lhs.value < rhs.value }

    public func advanced(by offset: UInt128) -> IPAddress { IPAddress(value: value &+ offset, version: version) }

    static func parseV6(_ text: String) -> UInt128? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard !group.isEmpty, group.count <= 4, let number = UInt16(group, radix: 16) else { return nil }
                result.append(number)
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
    }
}

/// A network in CIDR notation: `10.0.0.0/24`, `fd00::/64`.
public struct CIDR: Hashable, Sendable, CustomStringConvertible {
    public let network: IPAddress
    public let prefix: Int

    /// Parses `ADDRESS/PREFIX`; the address is masked to the network's (Neutron accepts host bits and drops them).
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(String(parts[0])), let prefix = Int(parts[1]),
              prefix >= 0, prefix <= address.bits else { return nil }
        self.prefix = prefix
        let hostBits = address.bits - prefix
        let mask: UInt128 = hostBits >= 128 ? 0 : ~((UInt128(1) << UInt128(hostBits)) - 1)
        self.network = IPAddress(value: address.value & mask & Self.all(address.bits), version: address.version)
    }

    public var version: Int { network.version }
    public var description: String { "\(network)/\(prefix)" }
    /// Number of addresses in the network.
    public var size: UInt128 {
        let hostBits = network.bits - prefix
        return hostBits >= 128 ? UInt128.max : UInt128(1) << UInt128(hostBits)
    }
    public var last: IPAddress { network.advanced(by: size &- 1) }

    public func contains(_ address: IPAddress) -> Bool {
        address.version == version && address >= network && address <= last
    }

    public func overlaps(_ other: CIDR) -> Bool {
        version == other.version && network <= other.last && other.network <= last
    }

    /// Neutron's defaults: the gateway is the first address after the network's; the pool is
    /// every host address but the gateway (IPv4 also keeps the broadcast address out).
    public var firstHost: IPAddress { network.advanced(by: prefix >= network.bits - 1 ? 0 : 1) }
    public var lastHost: IPAddress {
        if version == 4, prefix < 31 { return last.advanced(by: UInt128.max) } // last - 1
        return last
    }

    static func all(_ bits: Int) -> UInt128 { bits >= 128 ? UInt128.max : (UInt128(1) << UInt128(bits)) - 1 }
}
