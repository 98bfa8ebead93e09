import Foundation
import KilnModel
import Testing

/// One writer and one escaper serve Python-compatible output and storage.
@Suite struct JSONWriterTests {
    let sample: Value = [
        "b": [1, 2.5, "x\"y\\z\n\t\u{08}\u{0C}\u{01}", nil, true],
        "a": ["é": "ü€😀"],
        "c": .double(3),
    ]

    @Test func pythonTextIsJSONDumpsWithSortedKeysAndEnsureASCII() {
        #expect(sample.jsonText() == #"{"a": {"\u00e9": "\u00fc\u20ac\ud83d\ude00"}, "b": [1, 2.5, "x\"y\\z\n\t\b\f\u0001", null, true], "c": 3.0}"#)
    }

    @Test func prettyTextIndentsAndKeepsUnicode() {
        #expect(Value.map(["k": [1, "é"]]).prettyJSON() == "{\n  \"k\": [\n    1,\n    \"é\"\n  ]\n}")
        #expect(Value.map([:]).prettyJSON() == "{}")
    }

    @Test func storageTextIsCompactAndReadsBackTheSameValue() throws {
        let text = sample.storageJSON()
        #expect(text == #"{"a":{"é":"ü€😀"},"b":[1,2.5,"x\"y\\z\n\t\b\f\u0001",null,true],"c":3.0}"#)
        #expect(try Value.parseJSON(text) == sample)
        #expect(try Value.parseJSON(sample.jsonText()) == sample)
    }

    @Test func storageKeepsInfinitiesAndStoresNaNAsNull() throws {
        let value: Value = [.double(.infinity), .double(-.infinity), .double(.nan)]
        #expect(value.storageJSON() == "[1e999,-1e999,null]")
        #expect(try Value.parseJSON(value.storageJSON()) == [.double(.infinity), .double(-.infinity), nil])
        #expect(value.jsonText() == "[Infinity, -Infinity, NaN]")
    }
}

@Suite struct HeatTimeTests {
    @Test func timesAreHeatsAndOpenstacksForms() {
        let date = Date(timeIntervalSince1970: 1_764_920_401.75)  // 2025-12-05 07:40:01.75 UTC
        #expect(HeatTime.iso(date) == "2025-12-05T07:40:01Z")
        #expect(HeatTime.log(date) == "2025-12-05 07:40:01Z")
        #expect(HeatTime.iso(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
    }
}
