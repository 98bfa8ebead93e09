import Foundation
import KilnEngine
import KilnModel
import KilnStore
import KilnTemplate

/// `kiln-bench stack`: creates then deletes stacks of N resources in flat, chain and fan-in
/// shapes on a durable SQLite file, and reports microseconds per resource and peak RSS.
/// Each run uses a fresh process-wide store file; peak RSS is the whole run's.
func stackBenchmark(_ arguments: [String]) async -> Int32 {
    let given = options(arguments, allowed: ["--resources", "--shape", "--type", "--max-parallel", "--format"])
    let counts = (given["--resources"] ?? "1000,10000").split(separator: ",").compactMap { Int($0) }
    guard !counts.isEmpty, counts.allSatisfy({ $0 > 0 }) else { fail("--resources takes positive numbers") }
    let shapeOption = given["--shape"] ?? "all"
    let shapes: [StackShape]
    if shapeOption == "all" {
        shapes = StackShape.allCases
    } else if let shape = StackShape(rawValue: shapeOption) {
        shapes = [shape]
    } else {
        fail("unknown --shape \(shapeOption)")
    }
    let typeOption = given["--type"] ?? "none"
    guard let type = ["none": "OS::Heat::None", "random": "OS::Heat::RandomString"][typeOption] else {
        fail("--type is none or random")
    }
    guard let maxParallel = Int(given["--max-parallel"] ?? "64"), maxParallel > 0 else { fail("--max-parallel takes a positive number") }
    let json = (given["--format"] ?? "text") == "json"

    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-bench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    var rows: [Value] = []
    do {
        let store = try SQLiteStore(path: directory.appendingPathComponent("kiln.db").path)
        let engine = Engine(store: store, maxParallel: maxParallel, limits: ReaderLimits(maxBytes: 64 << 20))
        for count in counts {
            for shape in shapes {
                let name = "bench-\(shape.rawValue)-\(count)"
                let template = shape.template(resources: count, type: type)
                let createStart = ContinuousClock.now
                let created = try await engine.create(StackRequest(name: name, templateName: "\(name).yaml", template: template))
                let createSeconds = seconds(since: createStart)
                guard created.status == .complete else {
                    FileHandle.standardError.write(Data("kiln-bench: \(name) ended \(created.statusText): \(created.statusReason)\n".utf8))
                    return 1
                }
                let deleteStart = ContinuousClock.now
                let deleted = try await engine.delete(name)
                let deleteSeconds = seconds(since: deleteStart)
                guard deleted.status == .complete else {
                    FileHandle.standardError.write(Data("kiln-bench: delete of \(name) ended \(deleted.statusText)\n".utf8))
                    return 1
                }
                rows.append([
                    "shape": .string(shape.rawValue), "resources": .int(count), "type": .string(type),
                    "create_seconds": .double(createSeconds), "delete_seconds": .double(deleteSeconds),
                    "create_us_per_resource": .double(createSeconds * 1e6 / Double(count)),
                    "delete_us_per_resource": .double(deleteSeconds * 1e6 / Double(count)),
                ])
            }
        }
    } catch {
        FileHandle.standardError.write(Data("kiln-bench: \(error)\n".utf8))
        return 1
    }
    let peak = peakRSSMiB()
    if json {
        print(Value.map(["runs": .list(rows), "peak_rss_mib": peak.map(Value.double) ?? .null]).prettyJSON())
    } else {
        print("shape    resources  create s  delete s  create µs/res  delete µs/res")
        for row in rows {
            let m = row.mapValue ?? [:]
            func number(_ key: String) -> Double { m[key]?.numberValue ?? 0 }
            print(String(format: "%-7@  %9d  %8.3f  %8.3f  %13.1f  %13.1f",
                         (m["shape"]?.stringValue ?? "") as NSString, Int(number("resources")), number("create_seconds"),
                         number("delete_seconds"), number("create_us_per_resource"), number("delete_us_per_resource")))
        }
        print("peak RSS: \(peak.map { String(format: "%.1f MiB", $0) } ?? "unknown")")
    }
    return 0
}

/// The dependency shapes measured: no dependencies, one long chain, and many leaves that
/// one resource depends on.
enum StackShape: String, CaseIterable {
    case flat, chain, fanIn = "fan-in"

    func template(resources count: Int, type: String) -> String {
        var out = "heat_template_version: 2018-08-31\nresources:\n"
        out.reserveCapacity(count * 60)
        for i in 0..<count {
            out += "  r\(i):\n    type: \(type)\n"
            switch self {
            case .flat: break
            case .chain: if i > 0 { out += "    depends_on: [r\(i - 1)]\n" }
            case .fanIn: if i == count - 1 && count > 1 { out += "    depends_on: [\((0..<(count - 1)).map { "r\($0)" }.joined(separator: ", "))]\n" }
            }
        }
        return out
    }
}
