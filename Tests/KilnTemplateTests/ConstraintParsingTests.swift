import Testing
@testable import KilnTemplate

@Suite struct ConstraintParsingTests {
    func errors(_ type: String, _ constraint: String, version: TemplateVersion = .v2021_04_16) throws -> [Diagnostic] {
        try parseParameter("p:\n  type: \(type)\n  constraints:\n    - \(constraint)\n", version: version).1
    }

    @Test func unknownKindAndEmptyItem() throws {
        let unknown = try errors("string", "{size: 3}")
        #expect(paramsHasError(unknown, 4, 8, "Invalid key 'size' for parameter constraints"))
        #expect(unknown[0].expected?.contains("one of description, length, range") == true)
        let empty = try errors("string", "{description: x}")
        #expect(paramsHasError(empty, 4, 7, "No constraint expressed"))
        let notMap = try errors("string", "length")
        #expect(paramsHasError(notMap, 4, 7, "Invalid parameter constraints, expected a mapping"))
        let two = try errors("string", "{length: {min: 1}, allowed_pattern: x}")
        #expect(paramsHasError(two, 4, 26, "a constraint item expresses one constraint"))
    }

    @Test func kindMustSuitTheType() throws {
        #expect(paramsHasError(try errors("number", "length: {min: 1}"), 4, 7, "length constraint invalid for number parameter (p)"))
        #expect(paramsHasError(try errors("string", "range: {min: 1}"), 4, 7, "range constraint invalid for string parameter (p)"))
        #expect(paramsHasError(try errors("json", "allowed_values: [a]"), 4, 7, "allowed_values constraint invalid for json"))
        #expect(paramsHasError(try errors("number", "allowed_pattern: x"), 4, 7, "allowed_pattern constraint invalid for number"))
        #expect(try errors("comma_delimited_list", "length: {max: 3}").isEmpty)
        #expect(try errors("boolean", "allowed_values: [true]").isEmpty)
    }

    @Test func moduloOnlyFrom20170224() throws {
        let old = try errors("number", "modulo: {step: 2, offset: 1}", version: .v2016_10_14)
        #expect(paramsHasError(old, 4, 7, "modulo constraint requires heat_template_version 2017-02-24 or later"))
        #expect(try errors("number", "modulo: {step: 2, offset: 1}", version: .v2017_02_24).isEmpty)
    }

    @Test func moduloRules() throws {
        #expect(paramsHasError(try errors("number", "modulo: {step: 2}"), 4, 15, "must have a step value and an offset value"))
        #expect(paramsHasError(try errors("number", "modulo: {step: 2.5, offset: 1}"), 4, 22, "step/offset must be integer"))
        #expect(paramsHasError(try errors("number", "modulo: {step: 0, offset: 0}"), 4, 22, "step cannot be 0."))
        #expect(paramsHasError(try errors("number", "modulo: {step: 2, offset: 2}"), 4, 33, "offset must be smaller (by absolute value) than step."))
        #expect(paramsHasError(try errors("number", "modulo: {step: -3, offset: 1}"), 4, 34, "step and offset must be both positive or both negative."))
        #expect(paramsHasError(try errors("number", "modulo: {step: 2, offset: 1, base: 1}"), 4, 36, "Invalid key 'base' for modulo constraint"))
    }

    @Test func rangeAndLengthBounds() throws {
        #expect(paramsHasError(try errors("number", "range: {min: 5, max: 1}"), 4, 28, "range min 5 is greater than max 1"))
        #expect(paramsHasError(try errors("string", "length: {min: 5, max: 1}"), 4, 29, "length min 5 is greater than max 1"))
        #expect(paramsHasError(try errors("string", "length: {}"), 4, 15, "A length constraint must have a min value and/or a max value"))
        #expect(paramsHasError(try errors("string", "length: {min: 1.5}"), 4, 21, "min/max length must be integral"))
        #expect(paramsHasError(try errors("number", "range: {min: abc}"), 4, 20, "min/max must be numeric"))
        #expect(paramsHasError(try errors("number", "range: 3"), 4, 14, "Invalid range constraint, expected a mapping"))
        #expect(try errors("number", "range: {min: '1', max: 2.5}").isEmpty)
    }

    @Test func valuesPatternAndCustomShapes() throws {
        #expect(paramsHasError(try errors("string", "allowed_values: a"), 4, 23, "AllowedValues must be a list"))
        #expect(paramsHasError(try errors("string", "allowed_pattern: '[0-9'"), 4, 24, "Invalid allowed_pattern '[0-9'"))
        #expect(paramsHasError(try errors("string", "allowed_pattern: [x]"), 4, 24, "AllowedPattern must be a string"))
        #expect(paramsHasError(try errors("string", "custom_constraint: nova.flavour"), 4, 26, "Unknown custom_constraint 'nova.flavour'"))
        #expect(try errors("string", "custom_constraint: nova.flavor").isEmpty)
        #expect(paramsHasError(try errors("string", "{length: {min: 1}, description: [x]}"), 4, 39, "constraint description must be a string"))
    }
}
