import KilnTemplate

/// What the cloud types and their main properties and attributes are for, shown by
/// `resource-type show` and the API's template generation. Written for Kiln; names and
/// meanings follow Heat's.
enum CloudDescriptions {
    struct Entry {
        var type: String
        var properties: [String: String] = [:]
        var attributes: [String: String] = [:]
    }

    static let table: [String: Entry] = [
        "OS::Nova::Server": Entry(
            type: "A Nova server (virtual machine), booted from an image or a volume and plugged into networks.",
            properties: [
                "name": "Server name; a name derived from the stack and resource is used when none is given.",
                "flavor": "Flavor (name or id) giving the server's vCPUs, RAM and disk.",
                "flavor_update_policy": "RESIZE changes the flavor of the running server; REPLACE makes a new server.",
                "image": "Image (name or id) to boot from; not needed when booting from a volume.",
                "image_update_policy": "REBUILD rebuilds the server from the new image; REPLACE makes a new server.",
                "key_name": "Key pair whose public key is installed on the server.",
                "networks": "Networks to plug in: each entry names a network, a subnet, a port, optionally a fixed IP and a floating IP.",
                "block_device_mapping_v2": "Block devices: volumes, images or snapshots mapped to the server, possibly as the boot disk.",
                "block_device_mapping": "Volumes mapped to device names (the older form).",
                "metadata": "Key/value metadata kept with the server.",
                "user_data": "Data for the server's first boot (cloud-init), handled as user_data_format says.",
                "user_data_format": "RAW passes user_data as written; HEAT_CFNTOOLS and SOFTWARE_CONFIG wrap it in multipart MIME (SOFTWARE_CONFIG reads a software config id).",
                "user_data_update_policy": "REPLACE makes a new server when user_data changes; IGNORE keeps the server.",
                "scheduler_hints": "Hints to Nova's scheduler; `group` names a server group.",
                "security_groups": "Security groups (names or ids) of the ports Nova makes.",
                "admin_pass": "Administrator password of the server; never shown.",
                "config_drive": "Whether a configuration drive is attached.",
                "availability_zone": "Availability zone to boot in.",
                "tags": "Server tags.",
                "software_config_transport": "How the server's agent receives software deployments.",
            ],
            attributes: [
                "addresses": "Addresses per network (by name and id), with their type, MAC and port.",
                "networks": "IP addresses per network (by name and id).",
                "first_address": "The first fixed IPv4 address (deprecated in Heat: use networks).",
                "name": "The server's name.", "instance_name": "The hypervisor's name for the server.",
                "accessIPv4": "The server's public IPv4 address, if set.", "accessIPv6": "The server's public IPv6 address, if set.",
                "console_urls": "URLs of the server's consoles.", "tags": "The server's tags.",
            ]),
        "OS::Nova::KeyPair": Entry(
            type: "An SSH key pair: imported from a public key or generated.",
            properties: [
                "name": "Key pair name; also the resource's reference.", "public_key": "Public key to import; a pair is generated when absent.",
                "save_private_key": "Whether a generated private key is kept and shown as the private_key attribute.",
            ],
            attributes: ["public_key": "The public key.", "private_key": "The generated private key, when save_private_key is true."]),
        "OS::Nova::ServerGroup": Entry(
            type: "A group of servers placed by a policy (affinity or anti-affinity).",
            properties: ["policies": "Placement policy of the group's servers."]),
        "OS::Neutron::Net": Entry(type: "A Neutron network."),
        "OS::Neutron::Subnet": Entry(
            type: "A range of addresses of a network, handed out to its ports.",
            properties: [
                "network": "Network (name or id) the subnet belongs to.", "cidr": "The subnet's range, such as 10.0.0.0/24.",
                "gateway_ip": "Gateway address; the first address when absent, none when null or empty.",
                "allocation_pools": "Ranges from which addresses are handed out.", "dns_nameservers": "DNS servers given to the subnet's hosts.",
                "host_routes": "Extra routes given to the subnet's hosts.", "enable_dhcp": "Whether DHCP serves the subnet.",
                "ip_version": "4 or 6.",
            ]),
        "OS::Neutron::Port": Entry(
            type: "A port on a network: the addresses and MAC of one interface.",
            properties: [
                "network": "Network (name or id) of the port.", "fixed_ips": "Subnets (names or ids) and addresses wanted for the port.",
                "security_groups": "Security groups (names or ids) applied to the port.",
                "allowed_address_pairs": "Extra addresses (and MACs) the port may use.", "mac_address": "The port's MAC address.",
            ],
            attributes: [
                "fixed_ips": "The port's subnets and addresses.", "mac_address": "The port's MAC address.",
                "network_id": "The port's network.", "security_groups": "The port's security groups.",
            ]),
        "OS::Neutron::Router": Entry(
            type: "A router joining subnets, with an optional gateway on an external network.",
            properties: ["external_gateway_info": "The external network (name or id) of the router's gateway, and whether it does SNAT."]),
        "OS::Neutron::RouterInterface": Entry(type: "Joins a router to a subnet or a port."),
        "OS::Neutron::FloatingIP": Entry(
            type: "An address of an external network, mapped to a port when one is given.",
            properties: ["floating_network": "External network (name or id) the address comes from.", "port_id": "Port the address maps to."],
            attributes: ["floating_ip_address": "The floating address.", "fixed_ip_address": "The port's address it maps to."]),
        "OS::Neutron::FloatingIPAssociation": Entry(type: "Maps an existing floating IP to a port."),
        "OS::Neutron::SecurityGroup": Entry(
            type: "A security group and its rules; changed rules update in place.",
            properties: ["rules": "The group's rules; without egress rules the defaults (any IPv4 and IPv6 out) stand."]),
        "OS::Neutron::SecurityGroupRule": Entry(type: "One rule added to a security group."),
        "OS::Cinder::Volume": Entry(
            type: "A Cinder volume; a larger size extends it in place.",
            properties: [
                "size": "Size in GB; can grow, never shrink.", "image": "Image (name or id) the volume is made from.",
                "volume_type": "Volume type.", "metadata": "Key/value metadata of the volume.",
            ]),
        "OS::Cinder::VolumeAttachment": Entry(
            type: "Attaches a volume to a server.",
            properties: [
                "instance_uuid": "Server (id or name) the volume is attached to.", "volume_id": "Volume (id or name) to attach.",
                "mountpoint": "Device name the volume appears as, such as /dev/vdb.",
            ]),
        "OS::Octavia::LoadBalancer": Entry(
            type: "An Octavia load balancer with its virtual IP on a subnet.",
            properties: ["vip_subnet": "Subnet (name or id) of the virtual IP."],
            attributes: [
                "vip_address": "The virtual IP.", "vip_port_id": "The virtual IP's port.", "pools": "The load balancer's pools.",
                "listeners": "The load balancer's listeners.",
            ]),
        "OS::Octavia::Listener": Entry(type: "A protocol and port a load balancer listens on."),
        "OS::Octavia::Pool": Entry(type: "The members a listener or load balancer balances across."),
        "OS::Octavia::PoolMember": Entry(
            type: "One backend address of a pool.",
            properties: ["pool": "Pool (name or id).", "address": "The member's address.", "protocol_port": "The member's port.",
                         "subnet": "Subnet (name or id) the address is on.", "weight": "Share of the traffic, relative to other members."]),
        "OS::Octavia::HealthMonitor": Entry(type: "Checks the members of a pool."),
        "OS::Glance::WebImage": Entry(type: "An image made from a file at a URL."),
        "AWS::EC2::Instance": Entry(
            type: "A server described in CloudFormation's terms.",
            attributes: ["PrivateIp": "The instance's fixed address.", "PublicIp": "Its floating address, or the fixed one.",
                         "AvailabilityZone": "The instance's availability zone."]),
        "AWS::EC2::Volume": Entry(type: "A volume described in CloudFormation's terms."),
        "AWS::EC2::VolumeAttachment": Entry(type: "Attaches a volume to an instance, in CloudFormation's terms."),
    ]

    /// Fills in what the schema does not describe yet.
    static func apply(to schema: inout ResourceTypeSchema) {
        guard let entry = table[schema.type] else { return }
        if schema.description.isEmpty { schema.description = entry.type }
        for (name, text) in entry.properties where schema.properties[name]?.description.isEmpty == true {
            schema.properties[name]?.description = text
        }
        for (name, text) in entry.attributes where schema.attributes[name]?.description.isEmpty == true {
            schema.attributes[name]?.description = text
        }
    }
}
