import Foundation

/// Heat's capacity arithmetic for scaling policies (`heat/scaling/scalingutil.py`): how a
/// policy's adjustment moves a group's size, kept within the group's bounds.
public enum AdjustmentType: String, Sendable, CaseIterable {
    case changeInCapacity = "change_in_capacity"
    case exactCapacity = "exact_capacity"
    case percentChangeInCapacity = "percent_change_in_capacity"

    /// The native names and the CloudFormation ones (`ChangeInCapacity`, ...), as Heat accepts both.
    public init?(heat name: String) {
        switch name {
        case "change_in_capacity", "ChangeInCapacity": self = .changeInCapacity
        case "exact_capacity", "ExactCapacity": self = .exactCapacity
        case "percent_change_in_capacity", "PercentChangeInCapacity": self = .percentChangeInCapacity
        default: return nil
        }
    }
}

public enum ScalingMath {
    /// The size a group of `current` members moves to. A percent change of less than one
    /// member rounds away from zero (so it always moves), a larger one toward zero; then
    /// `minAdjustmentStep` is the least it moves. The result is clamped to `[minimum, maximum]`.
    public static func newCapacity(
        current: Int, adjustment: Double, type: AdjustmentType, minAdjustmentStep: Int?, minimum: Int, maximum: Int
    ) -> Int {
        let capacity: Int
        switch type {
        case .changeInCapacity:
            capacity = current + Int(adjustment)
        case .exactCapacity:
            capacity = Int(adjustment)
        case .percentChangeInCapacity:
            let delta = Double(current) * adjustment / 100
            var rounded = abs(delta) < 1 ? Int(delta > 0 ? delta.rounded(.up) : delta.rounded(.down))
                : Int(delta > 0 ? delta.rounded(.down) : delta.rounded(.up))
            if let step = minAdjustmentStep, step > abs(rounded) {
                rounded = rounded > 0 ? step : -step
            }
            capacity = current + rounded
        }
        if capacity > maximum { return maximum }
        if capacity < minimum { return minimum }
        return capacity
    }
}
