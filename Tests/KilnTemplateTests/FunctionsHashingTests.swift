import Testing
@testable import KilnTemplate

@Suite struct FunctionsHashingTests {
    @Test(arguments: [
        (HashAlgorithm.md5, "900150983cd24fb0d6963f7d28e17f72"),
        (.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d"),
        (.sha224, "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7"),
        (.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (.sha384, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"),
        (.sha512, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
    ])
    func abcVectors(algorithm: HashAlgorithm, expected: String) {
        #expect(algorithm.hexDigest(Array("abc".utf8)) == expected)
    }

    @Test func emptyAndMultiBlockMessages() {
        #expect(HashAlgorithm.md5.hexDigest([]) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(HashAlgorithm.sha256.hexDigest([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(HashAlgorithm.sha256.hexDigest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(HashAlgorithm.sha512.hexDigest(Array(String(repeating: "a", count: 200).utf8))
            == "4b11459c33f52a22ee8236782714c150a3b2c60994e9acee17fe68947a3e6789f31e7668394592da7bef827cddca88c4e6f86e4df7ed1ae6cba71f3e98faee9f")
        // Padding edges: 55 bytes fits one block, 56 needs two.
        #expect(HashAlgorithm.sha1.hexDigest(Array(String(repeating: "a", count: 55).utf8)) == "c1c8bbdc22796e28c0e15163d20899b65621d65a")
        #expect(HashAlgorithm.md5.hexDigest(Array(String(repeating: "a", count: 56).utf8)) == "3b0c8ac703f828b04c6c197006d17218")
    }

    /// SHA-224 is the one digest written by hand (swift-crypto has none): FIPS 180-4's
    /// examples and padding edges (55, 56, 64 bytes), a many-block message and every byte
    /// value, the expected values from Python's hashlib.
    @Test(arguments: [
        ([UInt8](), "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f"),
        (Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8), "75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525"),
        (Array(repeating: UInt8(ascii: "a"), count: 55), "fb0bd626a70c28541dfa781bb5cc4d7d7f56622a58f01a0b1ddd646f"),
        (Array(repeating: UInt8(ascii: "a"), count: 56), "d40854fc9caf172067136f2e29e1380b14626bf6f0dd06779f820dcd"),
        (Array(repeating: UInt8(ascii: "a"), count: 64), "a88cd5cde6d6fe9136a4e58b49167461ea95d388ca2bdb7afdc3cbf4"),
        (Array(repeating: UInt8(ascii: "a"), count: 1000), "4e8f0ce90b64661a2b5e84be6d93a7d9b76871062f1814433d04a03d"),
        (Array(0...255), "88702e63237824c4eb0d0fcfe41469a462493e8beb2a75bbe5981734"),
    ])
    func sha224Vectors(message: [UInt8], expected: String) {
        #expect(HashAlgorithm.sha224.hexDigest(message) == expected)
    }

    /// swift-crypto's SHA-384 past one block (the abc vector is above).
    @Test func sha384ManyBlocks() {
        #expect(HashAlgorithm.sha384.hexDigest(Array(repeating: UInt8(ascii: "a"), count: 1000)).hasPrefix("f54480689c6b0b11"))
    }
}
