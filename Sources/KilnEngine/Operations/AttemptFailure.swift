import KilnModel

/// A resource operation that failed after the plugin had already made or changed something
/// in the cloud: the resource as the plugin left it (its physical id above all) travels with
/// the error, so the failed record still names what exists and a delete can remove it.
struct AttemptFailure: Error {
    /// The resource as the plugin left it when it failed.
    let resource: LiveResource
    let underlying: Error
    /// A replacement failed to be created: the old resource is untouched and still in place.
    var oldIntact: LiveResource? = nil
}

extension ResourceRecord {
    /// Set on a resource whose replacement could not be made: its own physical resource is
    /// intact with the properties on record, so an update back to them (a rollback) takes it
    /// as it is rather than replacing it once more.
    static let replacementFailedKey = "replacement_failed"
}

extension ResourceRecord {
    /// Set on a resource while its create (or its replacement's) is under way, cleared when it
    /// returns: a record still marked after its engine died is half made, and carrying the
    /// update on finishes that create with the same client token rather than starting another.
    static let creatingKey = "creating"
}
