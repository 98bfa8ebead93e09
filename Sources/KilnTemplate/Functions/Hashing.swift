import Crypto
import Foundation

// Message digests for the `digest` function: swift-crypto's (BoringSSL underneath) for MD5,
// SHA-1 and SHA-2; swift-crypto has no SHA-224, so that one is written here, straight from
// FIPS 180-4 (SHA-256 with other initial values, cut to 28 bytes), checked by test vectors.

enum HashAlgorithm: String, CaseIterable, Sendable {
    case md5, sha1, sha224, sha256, sha384, sha512

    func hexDigest(_ message: [UInt8]) -> String {
        let bytes: [UInt8]
        switch self {
        case .md5: bytes = Array(Insecure.MD5.hash(data: message))
        case .sha1: bytes = Array(Insecure.SHA1.hash(data: message))
        case .sha224: bytes = SHA224.digest(message)
        case .sha256: bytes = Array(Crypto.SHA256.hash(data: message))
        case .sha384: bytes = Array(SHA384.hash(data: message))
        case .sha512: bytes = Array(SHA512.hash(data: message))
        }
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] })
    }
}

/// Merkle–Damgård padding: 0x80, zeros, then the bit length (`lengthBytes` wide).
private func padded(_ message: [UInt8], blockSize: Int, lengthBytes: Int, bigEndian: Bool) -> [UInt8] {
    var data = message
    data.append(0x80)
    while data.count % blockSize != blockSize - lengthBytes { data.append(0) }
    let bits = UInt64(message.count) &* 8
    var length = [UInt8](repeating: 0, count: lengthBytes)
    for i in 0..<8 { length[lengthBytes - 1 - i] = UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i))) }
    data += bigEndian ? length : length.reversed()
    return data
}

private func rotr32(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

private func bigEndianWords32(_ block: ArraySlice<UInt8>) -> [UInt32] {
    stride(from: block.startIndex, to: block.endIndex, by: 4).map { i in
        UInt32(block[i]) << 24 | UInt32(block[i + 1]) << 16 | UInt32(block[i + 2]) << 8 | UInt32(block[i + 3])
    }
}

private func bigEndianBytes<W: FixedWidthInteger>(_ words: [W]) -> [UInt8] {
    words.flatMap { word in (0..<W.bitWidth / 8).reversed().map { UInt8(truncatingIfNeeded: word >> ($0 * 8)) } }
}

enum SHA224 {
    static let initial224: [UInt32] = [
        0xc105_9ed8, 0x367c_d507, 0x3070_dd17, 0xf70e_5939, 0xffc0_0b31, 0x6858_1511, 0x64f9_8fa7, 0xbefa_4fa4,
    ]
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    static func digest(_ message: [UInt8]) -> [UInt8] {
        var h = initial224
        let data = padded(message, blockSize: 64, lengthBytes: 8, bigEndian: true)
        for start in stride(from: 0, to: data.count, by: 64) {
            var w = bigEndianWords32(data[start..<start + 64])
            w.reserveCapacity(64)
            for t in 16..<64 {
                let s0 = rotr32(w[t - 15], 7) ^ rotr32(w[t - 15], 18) ^ (w[t - 15] >> 3)
                let s1 = rotr32(w[t - 2], 17) ^ rotr32(w[t - 2], 19) ^ (w[t - 2] >> 10)
                w.append(w[t - 16] &+ s0 &+ w[t - 7] &+ s1)
            }
            var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
            for t in 0..<64 {
                let s1 = rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25)
                let ch = (e & f) ^ (~e & g)
                let t1 = hh &+ s1 &+ ch &+ k[t] &+ w[t]
                let s0 = rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22)
                let maj = (a & b) ^ (a & c) ^ (b & c)
                (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ s0 &+ maj)
            }
            h[0] &+= a; h[1] &+= b; h[2] &+= c; h[3] &+= d; h[4] &+= e; h[5] &+= f; h[6] &+= g; h[7] &+= hh
        }
        return Array(bigEndianBytes(h).prefix(28))
    }
}
