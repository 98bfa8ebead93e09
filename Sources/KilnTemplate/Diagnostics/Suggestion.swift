/// "Did you mean ...?" for a misspelt name: the closest candidate within two edits, and
/// close relative to the name's length (so `q` does not suggest `p`).
public func closestName(to name: String, among candidates: some Sequence<String>) -> String? {
    var best: (name: String, distance: Int)?
    for candidate in candidates where candidate != name {
        // Cheap length filter first: more than two characters apart can't be within two edits.
        guard abs(candidate.utf8.count - name.utf8.count) <= 2 else { continue }
        let distance = editDistance(candidate, name)
        if distance <= 2, distance * 3 <= name.count, distance < (best?.distance ?? .max) {
            best = (candidate, distance)
        }
    }
    return best?.name
}

/// `message (did you mean 'x'?)` when a close name exists.
public func withSuggestion(_ message: String, for name: String, among candidates: some Sequence<String>) -> String {
    guard let close = closestName(to: name, among: candidates) else { return message }
    return "\(message) (did you mean '\(close)'?)"
}
