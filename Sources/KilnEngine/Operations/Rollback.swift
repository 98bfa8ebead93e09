import Foundation
import KilnModel
import KilnStore

extension StackRun {
    /// Records a failed create or update, then starts its rollback, as Heat's events show
    /// them (`*_FAILED` with the reason, then `ROLLBACK_IN_PROGRESS`). The rollback keeps
    /// the operation's claim, which the failed state alone would release.
    func failThenRollBack(_ action: Action, failure: String) {
        let owner = stack.owner, expiry = stack.leaseExpiry
        setStack(action, .failed, reason: failure)
        stack.owner = owner
        stack.leaseExpiry = expiry
        setStack(.rollback, .inProgress, reason: "Stack ROLLBACK started")
    }
}
