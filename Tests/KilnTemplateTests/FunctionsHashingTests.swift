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
}
