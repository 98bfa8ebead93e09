import Foundation
import KilnModel
import KilnTemplate
import Testing

@testable import KilnEngine

@Suite struct RandomStringTests {
    let context = TableContext()
    let type = RandomStringResource.typeName

    @Test func defaultsToThirtyTwoLettersAndDigits() async throws {
        let resource = try await context.create("pw", type)
        let value = try #require(resource.data["value"]?.stringValue)
        #expect(value.count == 32)
        #expect(value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        let plugin = context.plugin(type)
        #expect(plugin.attribute("value", of: resource) == .string(value))
        #expect(plugin.referenceID(resource) == .string(value))
        #expect(resource.physicalID?.hasPrefix("teststack-pw-") == true)
    }

    @Test func honoursEveryClassAndSequenceMinimum() async throws {
        for _ in 0..<20 {
            let resource = try await context.create(
                "pw", type,
                [
                    "length": 12,
                    "character_classes": [["class": "digits", "min": 4], ["class": "uppercase", "min": 3]],
                    "character_sequences": [["sequence": "!@#", "min": 2]],
                ])
            let value = try #require(resource.data["value"]?.stringValue)
            #expect(value.count == 12)
            #expect(value.filter(\.isNumber).count >= 4)
            #expect(value.filter(\.isUppercase).count >= 3)
            #expect(value.filter { "!@#".contains($0) }.count >= 2)
            #expect(value.allSatisfy { $0.isNumber || $0.isUppercase || "!@#".contains($0) })
        }
    }

    @Test func eachClassDrawsOnlyItsCharacters() async throws {
        let expected: [String: (Character) -> Bool] = [
            "lowercase": { $0.isLowercase && $0.isASCII }, "uppercase": { $0.isUppercase && $0.isASCII },
            "digits": { $0.isNumber }, "hexdigits": { "0123456789ABCDEF".contains($0) },
            "octdigits": { "01234567".contains($0) }, "letters": { $0.isLetter && $0.isASCII },
        ]
        for (name, belongs) in expected {
            let resource = try await context.create("pw", type, ["length": 64, "character_classes": [["class": .string(name)]]])
            let value = try #require(resource.data["value"]?.stringValue)
            #expect(value.count == 64 && value.allSatisfy(belongs), "class \(name): \(value)")
        }
    }

    @Test func deprecatedSequenceAddsAClass() async throws {
        let resource = try await context.create(
            "pw", type, ["length": 40, "sequence": "octdigits", "character_classes": [["class": "lowercase", "min": 1]]])
        let value = try #require(resource.data["value"]?.stringValue)
        #expect(value.allSatisfy { "01234567".contains($0) || ($0.isLowercase && $0.isASCII) })
        #expect(value.contains { "01234567".contains($0) })
    }

    @Test func minimumsLongerThanTheLengthAreRefused() async throws {
        let error = await failure {
            try await context.create(
                "pw", type,
                ["length": 5, "character_classes": [["class": "digits", "min": 3]],
                 "character_sequences": [["sequence": "xyz", "min": 3]]])
        }
        #expect(error?.description == "Length property cannot be smaller than combined character class and character sequence minimums")
    }

    @Test func badLengthAndClassAreRefused() async throws {
        let tooLong = await failure { try await context.create("pw", type, ["length": 513]) }
        #expect(tooLong?.description.contains("out of range") == true)
        let badClass = await failure { try await context.create("pw", type, ["character_classes": [["class": "emoji"]]]) }
        #expect(badClass?.description.contains("\"emoji\" is not an allowed value") == true)
    }

    @Test func aNewSaltReplacesTheString() async throws {
        var resource = try await context.create("pw", type, ["salt": "one"])
        let previous = resource.properties
        resource.properties["salt"] = "two"
        let error = await failure { [resource] in
            var copy = resource
            try await context.plugin(type).update(&copy, previous: previous, context)
        }
        #expect(error?.isReplacement == true)
        #expect(RandomStringResource.schema.properties["salt"]?.updateAllowed == false)
    }
}

@Suite struct ValueResourceTests {
    let context = TableContext()
    let type = ValueResource.typeName

    func attribute(_ properties: [String: Value]) async throws -> Value? {
        let resource = try await context.create("v", type, properties)
        return context.plugin(type).attribute("value", of: resource)
    }

    @Test func untypedValuePassesThrough() async throws {
        #expect(try await attribute(["value": ["a": [1, 2]]]) == ["a": [1, 2]])
    }

    @Test func typedValuesConvertAsHeatPropertiesDo() async throws {
        #expect(try await attribute(["value": "42", "type": "number"]) == 42)
        #expect(try await attribute(["value": "1.5", "type": "number"]) == 1.5)
        #expect(try await attribute(["value": 7, "type": "string"]) == "7")
        #expect(try await attribute(["value": true, "type": "string"]) == "True")
        #expect(try await attribute(["value": "TRUE", "type": "boolean"]) == true)
        #expect(try await attribute(["value": ["x", "y"], "type": "comma_delimited_list"]) == ["x", "y"])
        #expect(try await attribute(["value": ["k": "v"], "type": "json"]) == ["k": "v"])
    }

    @Test func valuesOfTheWrongKindAreRefused() async throws {
        let list = await failure { _ = try await attribute(["value": "a,b", "type": "comma_delimited_list"]) }
        #expect(list?.description == "Property error: value: \"a,b\" is not a list")
        let bool = await failure { _ = try await attribute(["value": "yes", "type": "boolean"]) }
        #expect(bool?.description == "Property error: value: \"yes\" is not a valid boolean")
        let number = await failure { _ = try await attribute(["value": "abc", "type": "number"]) }
        #expect(number?.isFailed == true)
    }

    @Test func updateChangesTheValueInPlace() async throws {
        var resource = try await context.create("v", type, ["value": "1", "type": "number"])
        let previous = resource.properties
        resource.properties["value"] = "2"
        try await context.plugin(type).update(&resource, previous: previous, context)
        #expect(context.plugin(type).attribute("value", of: resource) == 2)
    }
}

@Suite struct TestResourceTests {
    let context = TableContext()
    let type = TestResource.typeName

    @Test func storesItsValue() async throws {
        let resource = try await context.create("t", type, ["value": "hello"])
        #expect(context.plugin(type).attribute("output", of: resource) == "hello")
        #expect(resource.physicalID != nil)
        let defaulted = try await context.create("d", type)
        #expect(context.plugin(type).attribute("output", of: defaulted) == "test_string")
    }

    @Test func failsOnRequestWithoutAPhysicalID() async throws {
        var resource = context.live("t", type, ["fail": true])
        let error = await failure { try await context.plugin(type).create(&resource, context) }
        #expect(error?.description == "Test Resource failed t")
        #expect(resource.physicalID == nil)
    }

    @Test func changedValueWithUpdateReplaceAsksForReplacement() async throws {
        var resource = try await context.create("t", type, ["value": "a", "update_replace": true])
        let previous = resource.properties
        resource.properties["value"] = "b"
        let error = await failure { [resource] in
            var copy = resource
            try await context.plugin(type).update(&copy, previous: previous, context)
        }
        #expect(error?.isReplacement == true)
    }

    @Test func changedValueUpdatesInPlace() async throws {
        var resource = try await context.create("t", type, ["value": "a"])
        let previous = resource.properties
        resource.properties["value"] = "b"
        try await context.plugin(type).update(&resource, previous: previous, context)
        #expect(context.plugin(type).attribute("output", of: resource) == "b")
    }

    @Test func waitsAfterTheAction() async throws {
        try await context.create("t", type, ["wait_secs": 5, "action_wait_secs": ["create": 0.3]])
        // The action's own wait wins over wait_secs.
        #expect(await context.sleeps.requested == [0.3])
    }

    @Test func anEndlessWaitEndsWhenCancelled() async throws {
        let context = self.context
        let task = Task { try await context.create("t", TestResource.typeName, ["wait_secs": -1]) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let error = await failure { _ = try await task.value }
        #expect(error?.isCancelled == true)
    }

    @Test func checkFailsWhenNotCreated() async throws {
        var resource = context.live("t", type)
        let error = await failure { try await context.plugin(type).check(&resource, context) }
        #expect(error?.description == "Resource not created")
    }
}

@Suite struct SoftwareConfigTests {
    let context = TableContext()

    @Test func softwareConfigKeepsItsConfig() async throws {
        let type = SoftwareConfigResource.typeName
        let resource = try await context.create("sc", type, ["config": "#!/bin/sh\necho hi\n"])
        #expect(context.plugin(type).attribute("config", of: resource) == "#!/bin/sh\necho hi\n")
        let id = try #require(resource.physicalID)
        #expect(UUID(uuidString: id) != nil)
        #expect(context.plugin(type).referenceID(resource) == .string(id))
        #expect(resource.data["software_config"]?.mapValue?["group"] == "Heat::Ungrouped")
    }

    @Test func everyChangeReplaces() async throws {
        let type = SoftwareConfigResource.typeName
        #expect(SoftwareConfigResource.schema.properties.values.allSatisfy { !$0.updateAllowed })
        let resource = try await context.create("sc", type, ["config": "a"])
        var changed = resource
        changed.properties["config"] = "b"
        let error = await failure { try await context.plugin(type).update(&changed, previous: resource.properties, context) }
        #expect(error?.isReplacement == true)
    }

    @Test func structuredConfigKeepsAMap() async throws {
        let type = StructuredConfigResource.typeName
        let resource = try await context.create("sc", type, ["config": ["key": ["get_input": "x"]]])
        #expect(context.plugin(type).attribute("config", of: resource) == ["key": ["get_input": "x"]])
    }

    @Test func cloudConfigIsCloudConfigYAML() async throws {
        let type = CloudConfigResource.typeName
        let resource = try await context.create(
            "cc", type, ["cloud_config": ["packages": ["curl"], "runcmd": ["echo hi"], "manage_etc_hosts": true]])
        #expect(
            context.plugin(type).attribute("config", of: resource)
                == "#cloud-config\nmanage_etc_hosts: true\npackages:\n- curl\nruncmd:\n- echo hi\n")
    }
}

@Suite struct MultipartMimeTests {
    let context = TableContext()
    let type = MultipartMimeResource.typeName

    @Test func partsBecomeAMultipartMessage() async throws {
        let script = try await context.create("script", SoftwareConfigResource.typeName, ["config": "#!/bin/sh\necho hi"])
        let resource = try await context.create(
            "mime", type,
            ["parts": [
                ["config": .string(script.physicalID!)],
                ["config": "#cloud-config\npackages: [curl]\n", "filename": "cloud-config"],
                ["config": "héllo", "subtype": "x-note"],
            ]])
        let text = try #require(context.plugin(type).attribute("config", of: resource)?.stringValue)
        #expect(text.hasPrefix("Content-Type: multipart/mixed; boundary=\"==============="))
        #expect(text.contains("MIME-Version: 1.0\n\n--"))
        #expect(text.contains("Content-Type: text/plain; charset=\"us-ascii\"\nMIME-Version: 1.0\nContent-Transfer-Encoding: 7bit\n\n#!/bin/sh\necho hi\n--"))
        #expect(text.contains("Content-Type: text/cloud-config; charset=\"us-ascii\""))
        #expect(text.contains("Content-Disposition: attachment; filename=\"cloud-config\"\n\n#cloud-config\npackages: [curl]\n"))
        #expect(text.contains("Content-Type: text/x-note; charset=\"utf-8\"\nMIME-Version: 1.0\nContent-Transfer-Encoding: base64\n\naMOpbGxv\n"))
        #expect(text.hasSuffix("==--\n"))

        let parsed = try #require(MIMEMultipart.parse(text))
        #expect(parsed.parts.map(\.text) == ["#!/bin/sh\necho hi", "#cloud-config\npackages: [curl]\n", "héllo"])
        #expect(parsed.parts.map(\.subtype) == ["plain", "cloud-config", "x-note"])
    }

    @Test func multipartPartsAreSplicedIn() async throws {
        let inner = MIMEMultipart(parts: [.init(text: "one", subtype: "x-shellscript", filename: "a.sh")]).text()
        let resource = try await context.create(
            "mime", type, ["parts": [["config": .string(inner), "type": "multipart"], ["config": "two"]]])
        let text = try #require(resource.attributes["config"]?.stringValue)
        let parsed = try #require(MIMEMultipart.parse(text))
        #expect(parsed.parts == [
            .init(text: "one", subtype: "x-shellscript", filename: "a.sh"), .init(text: "two", subtype: "plain", filename: nil),
        ])
    }

    @Test func anUnknownConfigIDIsTakenAsText() async throws {
        let id = "0b2c9a3e-1111-4222-8333-444455556666"
        let resource = try await context.create("mime", type, ["parts": [["config": .string(id)]]])
        let parsed = try #require(MIMEMultipart.parse(resource.attributes["config"]?.stringValue ?? ""))
        #expect(parsed.parts.map(\.text) == [id])
    }
}

@Suite struct WaitConditionTests {
    let context = TableContext()

    func handle(_ properties: [String: Value] = [:]) async throws -> String {
        let handle = try await context.create("handle", WaitConditionHandleResource.typeName, properties)
        return try #require(handle.physicalID)
    }

    func waitCondition(handle: String, count: Int = 1, timeout: Double = 10) -> Task<LiveResource, any Error> {
        let context = self.context
        return Task {
            try await context.create(
                "wait", WaitConditionResource.typeName,
                ["handle": .string(handle), "count": .int(count), "timeout": .double(timeout)])
        }
    }

    @Test func completesAfterCountSuccessSignals() async throws {
        let task = waitCondition(handle: try await handle(), count: 2)
        try await context.signal("handle", ["status": "SUCCESS", "data": "first"])
        try await Task.sleep(for: .milliseconds(300))
        try await context.signal("handle", ["data": "second", "id": "b"])
        let resource = try await task.value
        let data = try #require(context.plugin(WaitConditionResource.typeName).attribute("data", of: resource)?.stringValue)
        #expect(try Value.parseJSON(data) == ["1": "first", "b": "second"])
        let handleRecord = try #require(try await context.resource(named: "handle"))
        #expect(handleRecord.metadata.mapValue?["1"]?.mapValue?["reason"] == "Signal 1 received")
    }

    @Test func failsAtAFailureSignal() async throws {
        let task = waitCondition(handle: try await handle(), count: 3)
        try await context.signal("handle", ["status": "SUCCESS"])
        try await context.signal("handle", ["status": "FAILURE", "reason": "disk full"])
        let error = await failure { _ = try await task.value }
        #expect(error?.description == "disk full")
    }

    @Test func timesOut() async throws {
        let start = ContinuousClock.now
        let task = waitCondition(handle: try await handle(), count: 2, timeout: 1)
        try await context.signal("handle", [:])
        let error = await failure { _ = try await task.value }
        #expect(error?.description == "WaitCondition timed out: 1 of 2 received - Signal 1 received")
        #expect(ContinuousClock.now - start >= .seconds(1))
    }

    @Test func noSignalTransportNeedsNoSignal() async throws {
        // A NO_SIGNAL handle counts as signalled each time it is read: two signals are met
        // without anyone signalling, each recorded as Heat records one.
        let task = waitCondition(handle: try await handle(["signal_transport": "NO_SIGNAL"]), count: 2)
        let resource = try await task.value
        let data = try #require(context.plugin(WaitConditionResource.typeName).attribute("data", of: resource)?.stringValue)
        #expect(try Value.parseJSON(data) == ["1": nil, "2": nil])
        let handle = try #require(try await context.resource(named: "handle"))
        #expect(handle.metadata.mapValue?.keys.sorted() == ["1", "2"])
        #expect(handle.metadata.mapValue?["1"]?.mapValue?["status"] == "SUCCESS")
        #expect(handle.metadata.mapValue?["2"]?.mapValue?["reason"] == "Signal 2 received")
        // NO_SIGNAL has no signal details to hand out, and no token or endpoint.
        let handlePlugin = context.plugin(WaitConditionHandleResource.typeName)
        #expect(handlePlugin.attribute("signal", of: handle) == "{}")
        #expect(handlePlugin.attribute("token", of: handle) == .null)
        #expect(handlePlugin.attribute("endpoint", of: handle) == .null)

        // Through the engine: the stack completes with nobody signalling, its outputs show the
        // two empty signals, and the wait condition completes only after its handle.
        let home = TemporaryHome()
        let engine = try home.engine()
        let template = """
            heat_template_version: 2021-04-16
            resources:
              handle: {type: OS::Heat::WaitConditionHandle, properties: {signal_transport: NO_SIGNAL}}
              wait: {type: OS::Heat::WaitCondition, properties: {handle: {get_resource: handle}, count: 2, timeout: 30}}
            outputs:
              data: {value: {get_attr: [wait, data]}}
              signal: {value: {get_attr: [handle, signal]}}
            """
        let stack = try await engine.create(request("nosignal", template))
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let resources = try await engine.resources(of: stack)
        #expect(Set(resources.map(\.name)) == ["handle", "wait"])
        #expect(resources.allSatisfy { $0.statusText == "CREATE_COMPLETE" })
        let outputs = Dictionary(uniqueKeysWithValues: try await engine.outputs(of: stack).map { ($0.key, $0.value) })
        let outputData = try #require(outputs["data"]?.stringValue)
        #expect(try Value.parseJSON(outputData) == ["1": nil, "2": nil])
        #expect(outputs["signal"] == "{}")
        let events = try await engine.events(of: stack)
        let lines = events.map { "\($0.resourceName) \($0.statusText)" }
        let handleDone = try #require(lines.firstIndex(of: "handle CREATE_COMPLETE"))
        let waitStarted = try #require(lines.firstIndex(of: "wait CREATE_IN_PROGRESS"))
        let waitDone = try #require(lines.firstIndex(of: "wait CREATE_COMPLETE"))
        #expect(handleDone < waitStarted && waitStarted < waitDone)
        #expect(lines.last == "nosignal CREATE_COMPLETE")
        #expect(!lines.contains { $0.hasSuffix("FAILED") }, "\(lines)")
    }

    @Test func badSignalsAndHandlesAreRefused() async throws {
        _ = try await handle()
        let status = await failure { try await context.signal("handle", ["status": "MAYBE"]) }
        #expect(status?.description == "Metadata format invalid")
        let extra = await failure { try await context.signal("handle", ["other": 1]) }
        #expect(extra?.description == "Metadata format invalid")
        let missing = await failure { _ = try await waitCondition(handle: "nothing").value }
        #expect(missing?.description == "nothing is not a valid wait condition handle.")
    }

    @Test func handleAttributesOfferTheTokenEndpoint() async throws {
        _ = try await handle()
        let resource = try #require(try await context.resource(named: "handle"))
        let plugin = context.plugin(WaitConditionHandleResource.typeName)
        let token = try #require(plugin.attribute("token", of: resource)?.stringValue)
        let endpoint = try #require(plugin.attribute("endpoint", of: resource)?.stringValue)
        #expect(endpoint.hasSuffix("/stacks/teststack/\(context.stackID)/resources/handle/signal"))
        #expect(plugin.attribute("curl_cli", of: resource)?.stringValue?.contains("X-Auth-Token: \(token)") == true)
        #expect(plugin.attribute("signal", of: resource) == "null")
    }

    @Test func deleteClearsTheHandlesSignals() async throws {
        let task = waitCondition(handle: try await handle())
        try await context.signal("handle", [:])
        let resource = try await task.value
        try await context.plugin(WaitConditionResource.typeName).delete(resource, context)
        let handleRecord = try #require(try await context.resource(named: "handle"))
        #expect(WaitConditionHandleResource.signals(of: handleRecord).isEmpty)
    }
}
