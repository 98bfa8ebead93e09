import KilnModel
import Testing

/// Maps keep insertion order where Heat's Python dicts do, and compare as Python's dicts.
@Suite struct ValueMapTests {
    @Test func orderedMapsKeepInsertionOrderAndAKeysFirstPlace() {
        var map = ValueMap.ordered()
        map["b"] = 1
        map["a"] = 2
        map["c"] = 3
        map["b"] = 4  // an existing key keeps its place, as in a Python dict
        #expect(map.orderedKeys == ["b", "a", "c"])
        #expect(map.orderedValues == [4, 2, 3])
        map["a"] = nil
        map["a"] = 5  // removed and added again: last
        #expect(map.orderedKeys == ["b", "c", "a"])
        #expect(map.removeValue(forKey: "c") == 3)
        #expect(map.orderedKeys == ["b", "a"])
    }

    @Test func mapsFromSwiftDictionariesCountAsSorted() {
        let map = ValueMap(["b": 1, "a": 2])
        #expect(!map.isOrdered)
        #expect(map.orderedKeys == ["a", "b"])
        var kept = map.keepingOrder()
        kept["0"] = 3
        #expect(kept.orderedKeys == ["a", "b", "0"])
    }

    @Test func equalityAndHashingIgnoreOrder() {
        let ba = Value.map(ValueMap(orderedPairs: [("b", 1), ("a", 2)]))
        let ab = Value.map(ValueMap(orderedPairs: [("a", 2), ("b", 1)]))
        let plain: Value = ["a": 2, "b": 1]
        #expect(ba == ab && ab == plain)
        #expect(Set([ba, ab, plain]).count == 1)
        #expect(ba != .map(ValueMap(orderedPairs: [("b", 1)])))
    }

    @Test func mergeIsPythonsUpdateAndFilterKeepsOrder() {
        let left = ValueMap(orderedPairs: [("z", 1), ("a", 2)])
        let merged = left.merging(ValueMap(orderedPairs: [("y", 3), ("z", 4)])) { _, new in new }
        #expect(merged.orderedEntries.map(\.key) == ["z", "a", "y"])
        #expect(merged["z"] == 4)
        #expect(merged.filter { $0.key != "a" }.orderedKeys == ["z", "y"])
        #expect(merged.mapValues { _ in Value.null }.orderedKeys == ["z", "a", "y"])
    }

    /// JSON text read keeps its order through storage and the API's writer; the functions'
    /// writer (Heat's `sort_keys=True`) still sorts.
    @Test func jsonReadAndWrittenInItsOrder() throws {
        let value = try Value.parseJSON(#"{"zz": 1, "aa": {"y": 1, "b": 2}, "mm": [{"q": 1, "c": 2}]}"#)
        #expect(value.storageJSON() == #"{"zz":1,"aa":{"y":1,"b":2},"mm":[{"q":1,"c":2}]}"#)
        #expect(try Value.parseJSON(value.storageJSON()).storageJSON() == value.storageJSON())
        #expect(value.jsonText(sortKeys: false) == #"{"zz": 1, "aa": {"y": 1, "b": 2}, "mm": [{"q": 1, "c": 2}]}"#)
        #expect(value.jsonText() == #"{"aa": {"b": 2, "y": 1}, "mm": [{"c": 2, "q": 1}], "zz": 1}"#)
        #expect(value.prettyJSON(indent: 1).hasPrefix("{\n \"zz\": 1,\n \"aa\": {"))
        // A repeated key keeps its first place and its last value, as Python's json.
        #expect(try Value.parseJSON(#"{"b": 1, "a": 2, "b": 3}"#).jsonText(sortKeys: false) == #"{"b": 3, "a": 2}"#)
    }
}
