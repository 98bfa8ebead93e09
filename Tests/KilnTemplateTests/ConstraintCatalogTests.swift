import Foundation
import KilnModel
import Testing
@testable import KilnTemplate

@Suite struct ConstraintCatalogTests {
    let catalog = BuiltinConstraints()

    func check(_ name: String, _ value: Value) -> String? {
        catalog.constraint(named: name)?.check(value)
    }

    @Test func knowsAllSeventyNames() {
        #expect(BuiltinConstraints.names.count == 70)
        #expect(catalog.constraint(named: "nova.flavor") != nil)
        #expect(catalog.constraint(named: "neutron.lbaas.pool") != nil)
        #expect(catalog.constraint(named: "nova.flavour") == nil)
        // Service-backed constraints need a cloud: offline they accept anything.
        #expect(check("glance.image", "anything") == nil)
        #expect(check("test_constr", 3) == nil)
    }

    @Test func ipAddresses() {
        for good in ["10.0.0.1", "0.0.0.0", "::1", "fe80::1:2", "2001:db8::", "::ffff:10.0.0.1", "1:2:3:4:5:6:7:8"] {
            #expect(check("ip_addr", .string(good)) == nil, "\(good)")
        }
        for bad in ["10.0.0", "256.1.1.1", "010.0.0.1", "1::2::3", "1:2:3:4:5:6:7:8:9", "abc", "10.0.0.1/24"] {
            #expect(check("ip_addr", .string(bad)) == "Error validating value '\(bad)': Invalid IP address", "\(bad)")
        }
        #expect(check("ip_addr", 5) != nil)
    }

    @Test func cidrs() {
        #expect(check("net_cidr", "10.0.0.0/8") == nil)
        #expect(check("net_cidr", "2001:db8::/32") == nil)
        #expect(check("net_cidr", "10.0.0.1/8")
            == "Error validating value '10.0.0.1/8': '10.0.0.1/8' isn't a recommended CIDR, '10.0.0.0/8' is recommended")
        #expect(check("net_cidr", "10.0.0.0/33") == "Error validating value '10.0.0.0/33': '10.0.0.0/33' is not a valid IP subnet")
        #expect(check("net_cidr", "10.0.0.0")?.contains("'10.0.0.0/32' is recommended") == true)
        #expect(check("ip_or_cidr", "10.0.0.1") == nil)
        #expect(check("ip_or_cidr", "192.168.0.0/16") == nil)
        #expect(check("ip_or_cidr", "x/16")?.contains("not a valid IP subnet") == true)
        #expect(check("ip_or_cidr", "x") == "Error validating value 'x': 'x' is not a valid IP address")
    }

    @Test func macAddresses() {
        for good in ["00:11:22:aa:bb:cc", "00-11-22-AA-BB-CC", "0011.22aa.bbcc", "001122aabbcc"] {
            #expect(check("mac_addr", .string(good)) == nil, "\(good)")
        }
        #expect(check("mac_addr", "00:11:22:aa:bb") == "Error validating value '00:11:22:aa:bb': Invalid MAC address.")
    }

    @Test func dnsNames() {
        #expect(check("dns_name", "www.example.com") == nil)
        #expect(check("dns_name", "www.example.com.") == nil)
        #expect(check("dns_name", "-bad.com")?.contains("Name '-bad' must not start or end with a hyphen.") == true)
        #expect(check("dns_name", "a..b")?.contains("Encountered an empty component.") == true)
        #expect(check("dns_name", "Upper.com")?.contains("must be 1-63 characters long") == true)
        #expect(check("dns_name", "host.123.")?.contains("TLD '123' must not be all numeric.") == true)
        #expect(check("rel_dns_name", "host") == nil)
        #expect(check("rel_dns_name", "host.")?.contains("'host.' is a FQDN. It should be a relative domain name.") == true)
        #expect(check("dns_domain", "example.com.") == nil)
        #expect(check("dns_domain", "example.com") == "Error validating value 'example.com': 'example.com' must end with '.'.")
    }

    @Test func dates() {
        for good in ["2015-01-01", "2015-01-01T12:30:00Z", "2015-01-01T12:30:00.5+02:00", "20150101T123000Z", "2015-01-01 12:30"] {
            #expect(check("iso_8601", .string(good)) == nil, "\(good)")
        }
        for bad in ["2015-13-01", "2015-02-30", "yesterday", "2015-01-01T25:00"] {
            #expect(check("iso_8601", .string(bad)) == "Error validating value '\(bad)'", "\(bad)")
        }
        #expect(check("expiration", "2999-01-01T00:00:00Z") == nil)
        #expect(check("expiration", "2000-01-01T00:00:00Z")
            == "Error validating value '2000-01-01T00:00:00Z': Expiration 2000-01-01T00:00:00Z is invalid: Expiration time is out of date.")
        #expect(check("expiration", "soon")?.contains("Expiration soon is invalid") == true)
    }

    @Test func timezones() {
        #expect(check("timezone", "UTC") == nil)
        #expect(check("timezone", "Europe/Paris") == nil)
        #expect(check("timezone", "") == nil)
        #expect(check("timezone", "Mars/Olympus")
            == "Error validating value 'Mars/Olympus': Invalid timezone: 'No time zone found with key Mars/Olympus'")
        #expect(check("timezone", "../etc/passwd") != nil)
        #expect(check("timezone", "Europe") != nil)
    }

    @Test func cronExpressions() {
        for good in ["* * * * *", "*/5 0-6 1,15 jan-jun mon-fri", "0 0 L * ?", "0 12 * * 1#2", "0 0 * * * 30"] {
            #expect(check("cron_expression", .string(good)) == nil, "\(good)")
        }
        #expect(check("cron_expression", "* * *")
            == "Error validating value '* * *': Invalid CRON expression: Exactly 5 or 6 columns has to be specified for iterator expression.")
        #expect(check("cron_expression", "61 * * * *")?.contains("Invalid CRON expression: [61 * * * *] is not acceptable") == true)
        #expect(check("cron_expression", "* * * foo *") != nil)
        #expect(check("cron_expression", "*/0 * * * *") != nil)
    }

    @Test func jsonStrings() {
        #expect(check("json_string", #"{"a": 1}"#) == nil)
        #expect(check("json_string", "") == nil)
        #expect(check("json_string", "{a")?.hasPrefix("Error validating value '{a': JSON string {a is invalid: ") == true)
    }
}
