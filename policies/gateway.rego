# The gateway's decision for one request to an MCP tool or server.
#
# Entry point: data.sark.gateway.decision (always defined, for any input, even none):
#   {
#     "allow": bool,
#     "reason": "allowed" | the deny reasons, sorted, joined with "; ",
#     "reasons": [deny reasons, sorted]    each "code: detail"; codes below,
#     "filtered_parameters": {...}         input.parameters without secret-looking keys
#                                          (only when input.parameters is an object),
#     "audit_id": "gw-" + 32 hex digits    sha256 of the request's canonical fields,
#     "cache_ttl": seconds                 0 when the decision must not be cached,
#   }
# Input: { user: {id, roles, teams}, action, tool?: {name, sensitivity_level},
#          server?: {name, owner_team}, parameters?, context: {timestamp (RFC3339), ip} }.
# Configuration: data.sark_config.gateway (policies/data.json).
#
# Deny codes: invalid_input, unknown_action, insufficient_role, team_ownership,
# time_window, ip_not_allowed. Every check fails closed: a missing or malformed field
# is a deny with a reason, never an allow by omission. Negations here only ever negate
# a rule or a local variable: OPA binds refs inside a negated call or ref *before* the
# negation (`not is_string(input.x)` is undefined, not true, when input.x is missing),
# so `not f(input.x)` cannot detect a missing field.
package sark.gateway

import data.sark_config.gateway as config

# The request, as an object whatever was given (so the decision is defined for any input).
request := input if is_object(input) else := {}

default allow := false

allow if count(deny) == 0

reason := "allowed" if allow else := concat("; ", sort(deny))

# The codes of the deny reasons ("code: detail").
reason_codes contains split(msg, ":")[0] if some msg in deny

decision := object.union(
	{
		"allow": allow,
		"reason": reason,
		"reasons": sort(deny),
		"audit_id": audit_id,
		"cache_ttl": cache_ttl,
	},
	parameter_fields,
)

parameter_fields := {"filtered_parameters": filtered_parameters} if parameters_is_object else := {}

# ---------------------------------------------------------------------------
# Input validation

action := config.actions[request.action]

deny contains "invalid_input: input must be an object" if not input_is_object

input_is_object if is_object(input)

deny contains "invalid_input: user.id must be a non-empty string" if not valid_user_id

valid_user_id if {
	is_string(request.user.id)
	request.user.id != ""
}

deny contains "invalid_input: user.roles must be an array of strings" if not valid_roles

valid_roles if {
	is_array(request.user.roles)
	every role in request.user.roles {
		is_string(role)
	}
}

deny contains "invalid_input: user.teams must be an array of strings when given" if {
	is_object(request.user)
	"teams" in object.keys(request.user)
	not valid_teams
}

valid_teams if {
	is_array(request.user.teams)
	every team in request.user.teams {
		is_string(team)
	}
}

deny contains "invalid_input: action must be a string" if not action_is_string

action_is_string if is_string(request.action)

deny contains sprintf("unknown_action: %q is not a gateway action", [request.action]) if {
	action_is_string
	not action
}

deny contains "invalid_input: tool.name must be a non-empty string" if {
	action.needs_tool
	not valid_tool_name
}

valid_tool_name if {
	is_string(request.tool.name)
	request.tool.name != ""
}

deny contains sprintf("invalid_input: tool.sensitivity_level must be one of %s", [level_names]) if {
	action.needs_tool
	not known_tool_level
}

known_tool_level if config.sensitivity_levels[request.tool.sensitivity_level]

level_names := concat(", ", sort(object.keys(config.sensitivity_levels)))

deny contains "invalid_input: server.name and server.owner_team must be strings" if {
	server_checked
	not valid_server
}

valid_server if {
	is_string(request.server.name)
	is_string(request.server.owner_team)
}

deny contains "invalid_input: parameters must be an object when given" if {
	"parameters" in object.keys(request)
	not parameters_is_object
}

parameters_is_object if is_object(request.parameters)

deny contains "invalid_input: context.timestamp must be an RFC3339 date-time" if not now_ns

deny contains "invalid_input: context.ip must be a string" if not ip_is_string

ip_is_string if is_string(request.context.ip)

# ---------------------------------------------------------------------------
# Roles: the user's roles and every role they inherit, transitively (data.roles).
# Unknown roles grant nothing.

role_graph := {name: object.get(role, "inherits", []) | some name, role in config.roles}

direct_roles := {role | some role in request.user.roles; is_string(role)}

effective_roles := graph.reachable(role_graph, direct_roles)

# The highest sensitivity rank any effective role may use; -1 without any known role.
clearance_ranks := {config.sensitivity_levels[config.roles[role].max_sensitivity].rank | some role in effective_roles}

clearance := max(clearance_ranks) if count(clearance_ranks) > 0 else := -1

clearance_name := name if {
	some name, level in config.sensitivity_levels
	level.rank == clearance
} else := "none"

# ---------------------------------------------------------------------------
# Tool access by sensitivity level.

tool_level := request.tool.sensitivity_level if {
	action.needs_tool
	known_tool_level
}

deny contains sprintf("insufficient_role: tool %s is %s; the user's roles reach %s", [request.tool.name, tool_level, clearance_name]) if {
	clearance < config.sensitivity_levels[tool_level].rank
}

# ---------------------------------------------------------------------------
# Team ownership of servers: checked for server actions, and for any request naming a server.

server_checked if action.needs_server

server_checked if "server" in object.keys(request)

server_allowed if {
	valid_teams
	request.server.owner_team in request.user.teams
}

server_allowed if {
	some role in config.server_admin_roles
	role in effective_roles
}

deny contains sprintf("team_ownership: server %s is owned by team %s, which the user is not in", [request.server.name, request.server.owner_team]) if {
	server_checked
	valid_server
	not server_allowed
}

# ---------------------------------------------------------------------------
# Time-of-day windows, on the clock of data.timezone (an IANA name the host's zoneinfo
# knows, or "UTC"). A window is {days: [weekday names], start: "HH:MM", end: "HH:MM"}:
# start inclusive, end exclusive; start > end is a window across midnight, and `days`
# then names the weekday of the moment itself. Windows apply by the tool's sensitivity
# (lifted for users with an exempt role) and by any of the user's effective roles (never
# lifted): every applicable window must hold.

now_ns := time.parse_rfc3339_ns(request.context.timestamp) if is_string(request.context.timestamp)

local_clock := time.clock([now_ns, config.timezone])

local_day := time.weekday([now_ns, config.timezone])

second_of_day := ((local_clock[0] * 3600) + (local_clock[1] * 60)) + local_clock[2]

windows[sprintf("%s tools", [tool_level])] := config.time_windows.by_sensitivity[tool_level] if {
	not window_exempt
}

windows[sprintf("role %s", [role])] := window if {
	some role in effective_roles
	window := config.time_windows.by_role[role]
}

window_exempt if {
	some role in config.time_windows.exempt_roles
	role in effective_roles
}

# "HH:MM" as seconds since midnight.
clock_seconds(text) := (to_number(parts[0]) * 3600) + (to_number(parts[1]) * 60) if {
	parts := split(text, ":")
	count(parts) == 2
}

in_window(window) if {
	local_day in window.days
	start := clock_seconds(window.start)
	end := clock_seconds(window.end)
	start <= end
	start <= second_of_day
	second_of_day < end
}

in_window(window) if {
	local_day in window.days
	start := clock_seconds(window.start)
	end := clock_seconds(window.end)
	start > end
	second_of_day >= start
}

in_window(window) if {
	local_day in window.days
	start := clock_seconds(window.start)
	end := clock_seconds(window.end)
	start > end
	second_of_day < end
}

# Seconds of local clock until the window closes (only asked while inside it).
window_remaining(window) := end - second_of_day if {
	end := clock_seconds(window.end)
	second_of_day < end
} else := (86400 - second_of_day) + clock_seconds(window.end)

deny contains sprintf("time_window: %s are allowed %s %s-%s (%s), not %s %02d:%02d", [
	name, concat(",", window.days), window.start, window.end, config.timezone,
	local_day, local_clock[0], local_clock[1],
]) if {
	some name, window in windows
	local_clock
	not in_window(window)
}

deny contains sprintf("time_window: cannot read the clock in timezone %q", [config.timezone]) if {
	count(windows) > 0
	now_ns
	not local_clock
}

# ---------------------------------------------------------------------------
# IP allow-lists: the gateway's list always, and the tool's sensitivity list when it has one.

deny contains sprintf("ip_not_allowed: %s is not in the gateway allow-list", [request.context.ip]) if {
	ip_is_string
	not ip_in(gateway_cidrs)
}

gateway_cidrs := object.get(config, ["network", "allowed_cidrs"], [])

deny contains sprintf("ip_not_allowed: %s is not in the allow-list for %s tools", [request.context.ip, tool_level]) if {
	is_string(request.context.ip)
	cidrs := config.network.by_sensitivity[tool_level]
	not ip_in(cidrs)
}

# An address that does not parse is in no list.
ip_in(cidrs) if {
	some cidr in cidrs
	net.cidr_contains(cidr, request.context.ip)
}

# ---------------------------------------------------------------------------
# Parameters without secret-looking keys, at any depth (inside objects and arrays). A key
# is secret when one of data.secret_parameter_patterns matches it.

filtered_parameters := json.remove(request.parameters, secret_paths) if parameters_is_object

secret_paths contains [segment(part) | some part in path] if {
	walk(request.parameters, [path, _])
	count(path) > 0
	key := path[count(path) - 1]
	is_string(key)
	some pattern in config.secret_parameter_patterns
	regex.match(pattern, key)
}

# json.remove reads array indexes as strings.
segment(part) := format_int(part, 10) if is_number(part) else := part

# ---------------------------------------------------------------------------
# Audit id: the same request always gives the same id (no clock, no randomness).

audit_fields := {
	"user": object.get(request, ["user", "id"], null),
	"action": object.get(request, "action", null),
	"tool": object.get(request, ["tool", "name"], null),
	"server": object.get(request, ["server", "name"], null),
	"timestamp": object.get(request, ["context", "timestamp"], null),
	"ip": object.get(request, ["context", "ip"], null),
	"parameters": object.get(request, "parameters", null),
}

audit_id := concat("", ["gw-", substring(crypto.sha256(json.marshal(audit_fields)), 0, 32)])

# ---------------------------------------------------------------------------
# Cache TTL (seconds): the tool's sensitivity TTL, or data.default_cache_ttl for requests
# without a tool. An allow under time windows lasts at most until the first window closes.
# Never cached (0): denies for invalid input, an unknown action or a time window, since
# they change with the next request or the clock.

uncacheable_codes := {"invalid_input", "unknown_action", "time_window"}

base_ttl := config.sensitivity_levels[tool_level].cache_ttl if tool_level else := config.default_cache_ttl

cache_ttl := 0 if {
	some code in reason_codes
	code in uncacheable_codes
} else := min({base_ttl} | {window_remaining(window) | some window in windows}) if {
	allow
} else := base_ttl
