# A realistic gateway decision: RBAC with role inheritance, tool sensitivity levels,
# team ownership of servers, an IP allow-list, and secret-looking parameters filtered out.
package gateway

default allow := false

sensitivity_rank := {"public": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}

# Roles a user has, directly or through inheritance (two levels are enough here).
effective_roles contains role if some role in input.user.roles

effective_roles contains inherited if {
	some role in input.user.roles
	some inherited in data.roles[role].inherits
}

effective_roles contains inherited if {
	some role in input.user.roles
	some parent in data.roles[role].inherits
	some inherited in data.roles[parent].inherits
}

# The highest sensitivity level any of the user's roles may use.
clearance := max({data.roles[role].max_sensitivity_rank | some role in effective_roles})

ip_allowed if {
	some cidr in data.network.allowed_cidrs
	net.cidr_contains(cidr, input.context.ip)
}

team_owns_server if input.server.owner_team in input.user.teams

tool_permitted if {
	input.action == "gateway:tool:invoke"
	sensitivity_rank[input.tool.sensitivity_level] <= clearance
}

allow if {
	tool_permitted
	ip_allowed
	not blocked_tool
}

allow if {
	input.action == "gateway:server:access"
	team_owns_server
	ip_allowed
}

blocked_tool if input.tool.name in data.blocked_tools

secret_keys := {"password", "secret", "api_key", "token", "private_key"}

filtered_parameters[key] := value if {
	some key, value in input.parameters
	not lower(key) in secret_keys
}

reason := "allowed" if allow

else := "ip address not in allow-list" if not ip_allowed

else := "tool is blocked" if blocked_tool

else := sprintf("tool sensitivity %s exceeds clearance", [input.tool.sensitivity_level])

decision := {
	"allow": allow,
	"reason": reason,
	"filtered_parameters": filtered_parameters,
}
