import Foundation
import KilnCloud
import KilnEmulator
import KilnEngine
import KilnModel
import KilnStore
import Testing

/// AWS::AutoScaling::* in a CloudFormation template on the emulated cloud: a group of
/// AWS::EC2::Instance made from a launch configuration, resized by ScalingPolicy signals.
@Suite("AWS auto-scaling")
struct ScalingAWSTests {
    static let template = """
        AWSTemplateFormatVersion: '2010-09-09'
        Resources:
          Net: {Type: OS::Neutron::Net}
          Subnet:
            Type: OS::Neutron::Subnet
            Properties: {network: {Ref: Net}, cidr: 10.1.0.0/24}
          LaunchConfig:
            Type: AWS::AutoScaling::LaunchConfiguration
            Properties: {ImageId: cirros-0.6.2-x86_64-disk, InstanceType: m1.tiny}
          Group:
            Type: AWS::AutoScaling::AutoScalingGroup
            Properties:
              AvailabilityZones: [nova]
              LaunchConfigurationName: {Ref: LaunchConfig}
              MinSize: '1'
              MaxSize: '4'
              DesiredCapacity: '2'
              VPCZoneIdentifier: [{Ref: Subnet}]
          ScaleUp:
            Type: AWS::AutoScaling::ScalingPolicy
            Properties: {AdjustmentType: ChangeInCapacity, AutoScalingGroupName: {Ref: Group}, ScalingAdjustment: '1', Cooldown: '0'}
          ScaleDown:
            Type: AWS::AutoScaling::ScalingPolicy
            Properties:
              AdjustmentType: PercentChangeInCapacity
              AutoScalingGroupName: {Ref: Group}
              ScalingAdjustment: '-50'
              MinAdjustmentStep: '1'
              Cooldown: '0'
          Exactly:
            Type: AWS::AutoScaling::ScalingPolicy
            Properties: {AdjustmentType: ExactCapacity, AutoScalingGroupName: {Ref: Group}, ScalingAdjustment: '4'}
        Outputs:
          Instances: {Value: {'Fn::GetAtt': [Group, InstanceList]}}
          AlarmUrl: {Value: {'Fn::GetAtt': [ScaleUp, AlarmUrl]}}
          PolicyRef: {Value: {Ref: ScaleUp}}
        """

    func instances(_ fixture: CloudFixture, _ stack: StackRecord) async throws -> [String] {
        (try await fixture.outputs(stack)["Instances"]?.stringValue ?? "").split(separator: ",").map(String.init)
    }

    @Test func aGroupOfInstancesFromALaunchConfigurationScalesOnItsPolicies() async throws {
        let fixture = try await CloudFixture()
        let stack = try await fixture.create("cfn", Self.template)
        #expect(stack.statusText == "CREATE_COMPLETE", "\(stack.statusReason)")
        let initial = try await instances(fixture, stack)
        #expect(initial.count == 2 && initial.allSatisfy { $0.hasPrefix("10.1.0.") }, "\(initial)")
        #expect(try await fixture.session.compute.servers().count == 2)

        let outputs = try await fixture.outputs(stack)
        let url = try #require(outputs["AlarmUrl"]?.stringValue)
        #expect(url.contains("/v1/signal/\(stack.id)/ScaleUp?Expires="))
        #expect(outputs["PolicyRef"] == .string(url))  // Ref of an AWS policy is its alarm URL, as in Heat

        try await fixture.engine.signal("cfn", resource: "ScaleUp", data: .null)
        #expect(try await instances(fixture, stack).count == 3)
        try await fixture.engine.signal("cfn", resource: "ScaleDown", data: .null)  // -50% of 3: -1.5 -> -1
        #expect(try await instances(fixture, stack).count == 2)
        try await fixture.engine.signal("cfn", resource: "ScaleDown", data: .null)  // -1, the minimum step
        #expect(try await instances(fixture, stack).count == 1)
        try await fixture.engine.signal("cfn", resource: "ScaleDown", data: .null)  // at MinSize
        #expect(try await instances(fixture, stack).count == 1)
        try await fixture.engine.signal("cfn", resource: "Exactly", data: .null)
        #expect(try await instances(fixture, stack).count == 4)
        #expect(try await fixture.session.compute.servers().count == 4)

        _ = try await fixture.engine.delete(stack.id)
        #expect(try await fixture.isEmpty())
    }
}
