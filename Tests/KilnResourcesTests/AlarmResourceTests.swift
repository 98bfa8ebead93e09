import Foundation
import KilnCloud
import KilnModel
import Testing

/// OS::Aodh::* and AWS::CloudWatch::Alarm through stacks on the emulated Aodh: Heat's
/// autoscaling alarm as written for a real cloud, updates in place, suspend/resume, delete.
@Suite struct AlarmResourceTests {
    static func template(threshold: String, severity: String = "low") -> String {
        """
        heat_template_version: 2021-04-16
        resources:
          cpu_high:
            type: OS::Aodh::GnocchiAggregationByResourcesAlarm
            properties:
              description: Scale up if CPU > 80%
              metric: cpu
              aggregation_method: rate:mean
              granularity: 300
              evaluation_periods: 1
              threshold: \(threshold)
              comparison_operator: gt
              severity: \(severity)
              resource_type: instance
              query:
                list_join:
                  - ''
                  - - {'=': {server_group: {get_param: "OS::stack_id"}}}
              alarm_actions:
                - str_replace:
                    template: trust+url
                    params:
                      url: http://example.test/signal
          both:
            type: OS::Aodh::CompositeAlarm
            properties:
              composite_rule:
                operator: or
                rules:
                  - {type: threshold, meter_name: cpu_util, threshold: 50, comparison_operator: gt}
                  - operator: and
                    rules:
                      - {type: gnocchi_resources_threshold, metric: memory.usage, resource_type: instance, resource_id: x, threshold: 5, comparison_operator: lt, aggregation_method: mean, granularity: 60}
                      - {type: gnocchi_resources_threshold, metric: memory.usage, resource_type: instance, resource_id: y, threshold: 5, comparison_operator: lt, aggregation_method: mean, granularity: 60}
          cfn:
            type: AWS::CloudWatch::Alarm
            properties:
              MetricName: cpu_util
              Statistic: Average
              Period: '60'
              EvaluationPeriods: '2'
              Threshold: '90'
              ComparisonOperator: GreaterThanThreshold
              AlarmActions: [http://example.test/cfn]
              Dimensions: [{Name: AutoScalingGroupName, Value: shop}]
        outputs:
          id: {value: {get_resource: cpu_high}}
          show: {value: {get_attr: [cpu_high, show]}}
        """
    }

    @Test func heatsAutoscalingAlarmIsMadeUpdatedInPlaceSuspendedAndDeleted() async throws {
        let fixture = try await CloudFixture()
        let stack = try await fixture.create("alarms", Self.template(threshold: "240000000000.0"))
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let alarms = try #require(fixture.session.alarms)
        let id = try #require(try await fixture.outputs(stack)["id"]?.stringValue)
        let alarm = try #require(try await alarms.alarm(id: id)?.mapValue)
        #expect(alarm["type"] == "gnocchi_aggregation_by_resources_threshold" && alarm["repeat_actions"] == true && alarm["enabled"] == true)
        #expect(alarm["alarm_actions"] == ["trust+http://example.test/signal"])
        let rule = try #require(alarm["gnocchi_aggregation_by_resources_threshold_rule"]?.mapValue)
        #expect(rule["query"] == .string(#"{"=": {"server_group": "\#(stack.id)"}}"#), "\(rule)")
        #expect(rule["metric"] == "cpu" && rule["aggregation_method"] == "rate:mean" && rule["granularity"] == 300)
        #expect(rule["threshold"]?.numberValue == 240_000_000_000 && rule["comparison_operator"] == "gt")
        #expect(try await fixture.outputs(stack)["show"]?.mapValue?["alarm_id"] == .string(id))

        let all = try await alarms.alarms()
        #expect(all.count == 3)
        let composite = try #require(all.first { $0.mapValue?["type"] == "composite" }?.mapValue?["composite_rule"])
        #expect(composite.mapValue?["or"]?.listValue?.count == 2, "\(composite)")
        let cfn = try #require(all.first { $0.mapValue?["type"] == "threshold" }?.mapValue)
        let cfnRule = try #require(cfn["threshold_rule"]?.mapValue)
        #expect(cfnRule["comparison_operator"] == "gt" && cfnRule["statistic"] == "avg" && cfnRule["evaluation_periods"] == 2)
        #expect(cfnRule["query"] == [["field": "metadata.metering.server_group", "op": "eq", "value": "shop"]])

        let updated = try await fixture.update(stack, Self.template(threshold: "120000000000.0", severity: "critical"))
        #expect(updated.statusText == "UPDATE_COMPLETE", "\(updated.statusReason)")
        let changed = try #require(try await alarms.alarm(id: id)?.mapValue)
        #expect(changed["severity"] == "critical")
        #expect(changed["gnocchi_aggregation_by_resources_threshold_rule"]?.mapValue?["threshold"]?.numberValue == 120_000_000_000)

        let suspended = try await fixture.engine.suspend(stack.id)
        #expect(suspended.statusText == "SUSPEND_COMPLETE", "\(suspended.statusReason)")
        #expect(try await alarms.alarm(id: id)?.mapValue?["enabled"] == false)
        let resumed = try await fixture.engine.resume(stack.id)
        #expect(resumed.statusText == "RESUME_COMPLETE", "\(resumed.statusReason)")
        #expect(try await alarms.alarm(id: id)?.mapValue?["enabled"] == true)

        let deleted = try await fixture.engine.delete(stack.id)
        #expect(deleted.statusText == "DELETE_COMPLETE", "\(deleted.statusReason)")
        #expect(try await alarms.alarms().isEmpty)
    }
}
