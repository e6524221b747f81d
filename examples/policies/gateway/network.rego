# Where a request comes from: IPv4 addresses matched against CIDR ranges in plain Rego
# (integer arithmetic and bit shifts, no net.* built-ins).
package gateway.network

# The address as a 32-bit number: ip_to_number("10.1.2.3") == 167838211.
# Undefined for anything but a dotted quad of octets.
ip_to_number(ip) := n if {
	regex.match(`^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$`, ip)
	octets := [to_number(part) | some part in split(ip, ".")]
	every octet in octets { octet <= 255 }
	n := ((octets[0] * 256 + octets[1]) * 256 + octets[2]) * 256 + octets[3]
}

# True when `ip` is in `cidr` ("10.20.0.0/16"): the addresses agree on the prefix's bits.
cidr_contains(cidr, ip) if {
	[base, size] := split(cidr, "/")
	regex.match(`^\d{1,2}$`, size)
	prefix := to_number(size)
	prefix <= 32
	shift := 32 - prefix
	bits.rsh(ip_to_number(base), shift) == bits.rsh(ip_to_number(ip), shift)
}

# The zones (office, vpn, ci) whose ranges hold the client's address.
zones contains zone if {
	some zone, cidrs in data.network.allowed_cidrs
	some cidr in cidrs
	cidr_contains(cidr, input.context.ip)
}

blocked if input.context.ip in data.network.blocked_ips

default allowed := false

allowed if {
	count(zones) > 0
	not blocked
}
