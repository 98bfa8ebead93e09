/// A template format version Heat accepts, with what it allows.
public struct TemplateVersion: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Format: String, Sendable { case hot, cfn }

    /// The top-level key that names the version (`heat_template_version`, ...).
    public let key: String
    /// The canonical value, e.g. `2018-08-31`.
    public let date: String
    /// Release-name aliases (`rocky`).
    public let aliases: [String]
    public let format: Format
    /// Position in `all`: later versions compare greater.
    let rank: Int

    public var description: String { "\(key): \(date)" }
    public static func < (lhs: TemplateVersion, rhs: TemplateVersion) -> Bool { lhs.rank < rhs.rank }

    public static let hotKey = "heat_template_version"
    public static let cfnKey = "AWSTemplateFormatVersion"
    public static let heatCFNKey = "HeatTemplateFormatVersion"

    public static let all: [TemplateVersion] = [
        TemplateVersion(key: cfnKey, date: "2010-09-09", aliases: [], format: .cfn, rank: 0),
        TemplateVersion(key: heatCFNKey, date: "2012-12-12", aliases: [], format: .cfn, rank: 1),
        hot("2013-05-23", 2),
        hot("2014-10-16", 3),
        hot("2015-04-30", 4),
        hot("2015-10-15", 5),
        hot("2016-04-08", 6),
        hot("2016-10-14", 7, "newton"),
        hot("2017-02-24", 8, "ocata"),
        hot("2017-09-01", 9, "pike"),
        hot("2018-03-02", 10, "queens"),
        hot("2018-08-31", 11, "rocky"),
        hot("2021-04-16", 12, "wallaby"),
    ]

    private static func hot(_ date: String, _ rank: Int, _ alias: String? = nil) -> TemplateVersion {
        TemplateVersion(key: hotKey, date: date, aliases: alias.map { [$0] } ?? [], format: .hot, rank: rank)
    }

    public static var hot: [TemplateVersion] { all.filter { $0.format == .hot } }
    public static var latest: TemplateVersion { all.last! }

    /// Looks a version up by key and value (a date or an alias).
    public static func find(key: String, value: String) -> TemplateVersion? {
        all.first { $0.key == key && ($0.date == value || $0.aliases.contains(value)) }
    }

    /// A HOT version by date or alias.
    public static func hot(_ value: String) -> TemplateVersion? { find(key: hotKey, value: value) }

    public static let v2013_05_23 = hot("2013-05-23")!
    public static let v2014_10_16 = hot("2014-10-16")!
    public static let v2015_04_30 = hot("2015-04-30")!
    public static let v2015_10_15 = hot("2015-10-15")!
    public static let v2016_04_08 = hot("2016-04-08")!
    public static let v2016_10_14 = hot("2016-10-14")!
    public static let v2017_02_24 = hot("2017-02-24")!
    public static let v2017_09_01 = hot("2017-09-01")!
    public static let v2018_03_02 = hot("2018-03-02")!
    public static let v2018_08_31 = hot("2018-08-31")!
    public static let v2021_04_16 = hot("2021-04-16")!
    public static let cfn2010 = find(key: cfnKey, value: "2010-09-09")!
    public static let heat2012 = find(key: heatCFNKey, value: "2012-12-12")!

    public var isHOT: Bool { format == .hot }

    /// HOT conditions (section, resource/output `condition`) arrived in 2016-10-14; CFN has
    /// Conditions only in the AWS format.
    public var supportsConditions: Bool {
        isHOT ? self >= .v2016_10_14 : key == Self.cfnKey
    }
}
