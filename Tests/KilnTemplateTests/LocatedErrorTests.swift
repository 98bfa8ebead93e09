import Testing
@testable import KilnTemplate
import KilnModel

/// Every error line names where it is: values from `parameter_defaults` are located as those
/// from `parameters` are, a quoted value holding a newline cannot break a diagnostic in two,
/// and provider templates are named the way the file is, not `./././a.yaml`.
@Suite struct LocatedErrorTests {
    private let numberParameter = """
        heat_template_version: 2018-08-31
        parameters:
          n: {type: number}
        """

    @Test func parameterDefaultsAreLocated() {
        for section in ["parameters", "parameter_defaults"] {
            let report = validate(numberParameter, environments: [("e.yaml", "\(section):\n  n: abc\n")])
            #expect(report.errors.map(\.description) == [
                "e.yaml:2:6: error: invalid value for parameter 'n': Value 'abc' is not a number",
            ], "\(section)")
        }
    }

    @Test func parameterDefaultsReachingAProviderTemplateAreLocated() {
        let report = validate("""
            heat_template_version: 2018-08-31
            resources:
              a: {type: inner.yaml}
            """, environments: [("e.yaml", "parameter_defaults:\n  n: abc\n")], files: ["inner.yaml": numberParameter],
            purpose: .create)
        #expect(report.errors.map(\.description) == [
            "e.yaml:2:6: error: invalid value for parameter 'n': Value 'abc' is not a number",
        ])
    }

    @Test func quotedValuesStayOnTheDiagnosticsLine() {
        let report = validate(numberParameter, environments: [("e.yaml", "parameter_defaults:\n  n: \"abc\\ndef\\u001b[31m\"\n")])
        let lines = report.errors.map(\.description)
        #expect(lines == ["e.yaml:2:6: error: invalid value for parameter 'n': Value 'abc\\ndef\\x1b[31m' is not a number"])
        #expect(!lines.joined().contains("\n"))
    }

    @Test func renderingEscapesEveryLineBreak() {
        let diagnostic = Diagnostic.error(
            at: SourceLocation(file: "a\nb.yaml", line: 1, column: 2), "x\ry\tz\u{2028}w\u{85}", expected: "e\n", found: "f\u{7F}")
        #expect(diagnostic.description == "a\\nb.yaml:1:2: error: x\\ry\\tz\\u2028w\\x85 (expected e\\n, found f\\x7f)")
        #expect(diagnostic.text == "x\\ry\\tz\\u2028w\\x85 (expected e\\n, found f\\x7f)")
        #expect(Diagnostic.oneLine("plain: 'é' ✓") == "plain: 'é' ✓")
        #expect(EvaluationError("bad\nvalue", at: SourceLocation(file: "t.yaml", line: 3, column: 4)).description
            == "t.yaml:3:4: error: bad\\nvalue")
    }

    @Test func pathsAreNormalized() {
        #expect(TemplatePath.normalized("./a.yaml") == "a.yaml")
        #expect(TemplatePath.normalized("././x/./a.yaml") == "x/a.yaml")
        #expect(TemplatePath.normalized("x/../y/a.yaml") == "y/a.yaml")
        #expect(TemplatePath.normalized("x//y/../../a.yaml") == "a.yaml")
        #expect(TemplatePath.normalized("../a.yaml") == "../a.yaml")
        #expect(TemplatePath.normalized("x/../../a.yaml") == "../a.yaml")
        #expect(TemplatePath.normalized("/tmp/../a.yaml") == "/a.yaml")
        #expect(TemplatePath.normalized("/../a.yaml") == "/a.yaml")
        #expect(TemplatePath.normalized("file:///tmp/./x/../a.yaml") == "file:///tmp/a.yaml")
        #expect(TemplatePath.normalized("https://host/./a.yaml") == "https://host/./a.yaml")
        #expect(TemplatePath.normalized("./") == ".")
    }

    @Test func aProviderTemplateThatUsesItselfIsALoopWithPlainNames() {
        let looping = "heat_template_version: 2018-08-31\nresources:\n  r: {type: ./t.yaml}\n"
        let report = validate(looping, files: ["t.yaml": looping])
        #expect(report.errors.map(\.description) == [
            "t.yaml:3:13: error: provider template './t.yaml' uses itself (t.yaml -> t.yaml) (expected no loop of provider templates)",
        ])
        let root = "heat_template_version: 2018-08-31\nresources:\n  r: {type: sub/../b.yaml}\n"
        let viaAnother = validate(root, files: [
            "b.yaml": "heat_template_version: 2018-08-31\nresources:\n  r: {type: ./x/../t.yaml}\n", "t.yaml": root,
        ])
        #expect(viaAnother.errors.map(\.description) == [
            "b.yaml:3:13: error: provider template './x/../t.yaml' uses itself (t.yaml -> b.yaml -> t.yaml) (expected no loop of provider templates)",
        ])
    }

    @Test func errorsInsideAProviderTemplateNameItPlainly() {
        let report = validate(
            "heat_template_version: 2018-08-31\nresources:\n  r: {type: ./x/./../inner.yaml}\n",
            files: ["inner.yaml": "heat_template_version: 2018-08-31\nresources:\n  i: {type: OS::Heat::Nothing}\n"],
            purpose: .create)
        #expect(report.errors.map(\.description) == ["inner.yaml:3:13: error: The Resource Type (OS::Heat::Nothing) could not be found."])
    }
}
