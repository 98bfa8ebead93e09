import Foundation
import KilnModel

/// Re-sealing what the store holds after the key file changed (`kiln secret-key`): every sealed
/// value, wherever it is stored (`Store.rewriteSealedValues`), opened with the key that sealed it
/// and sealed again with the ring's first key. Until that has run, values sealed with an older
/// key still open, as long as that key stays in the file.
public enum SecretKeyRotation {
    /// Seals every stored value not already under the ring's first key with it; how many were.
    public static func reseal(_ store: any Store, with sealer: SecretSealer) async throws -> Int {
        try await store.rewriteSealedValues { text in try sealer.resealed(text) }
    }

    /// How many stored sealed values each key sealed, by key id; `v1` counts values sealed
    /// before keys had ids (any key of the ring may open them).
    public static func census(_ store: any Store) async throws -> [String: Int] {
        let tally = Locked<[String: Int]>([:])
        _ = try await store.rewriteSealedValues { text in
            if let form = SecretSealer.form(of: text) { tally.withLock { $0[form.keyID ?? "v1", default: 0] += 1 } }
            return nil
        }
        return tally.withLock { $0 }
    }
}
