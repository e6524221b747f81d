# The decision for one agent-to-agent call.
#
# Entry point: data.sark.a2a.decision (always defined, for any input, even none):
#   {
#     "allow": bool,
#     "reason": "allowed" | the deny reasons, sorted, joined with "; ",
#     "reasons": [deny reasons, sorted]    each "code: detail"; codes below,
#     "audit_id": "a2a-" + 32 hex digits   sha256 of the call's canonical fields,
#     "cache_ttl": seconds                 0 when the decision must not be cached,
#   }
# The system this descends from queried a rule its a2a policy never defined, so every call
# was denied: this package's only entry point is `decision`, and test/policies.test.ts
# queries exactly data.sark.a2a.decision.
#
# Input: { source_agent: {id, trust_level, capabilities, owner_id, request_count_last_hour},
#          target_agent: {id, trust_level, capabilities, owner_id}, action,
#          context: {workflow_id, user_id?, delegation_depth} }.
# Configuration: data.sark_config.a2a (policies/data.json).
#
# Deny codes: invalid_input, unknown_action, trust_level, capability, delegation_depth,
# rate_limit. As in sark.gateway, negations only negate rules or local variables (OPA
# evaluates refs inside a negated call before the negation).
package sark.a2a

import data.sark_config.a2a as config

request := input if is_object(input) else := {}

default allow := false

allow if count(deny) == 0

reason := "allowed" if allow else := concat("; ", sort(deny))

reason_codes contains split(msg, ":")[0] if some msg in deny

decision := {
	"allow": allow,
	"reason": reason,
	"reasons": sort(deny),
	"audit_id": audit_id,
	"cache_ttl": cache_ttl,
}

# ---------------------------------------------------------------------------
# Input validation

action := config.actions[request.action]

source_level := config.trust_levels[request.source_agent.trust_level]

target_level := config.trust_levels[request.target_agent.trust_level]

deny contains "invalid_input: input must be an object" if not input_is_object

input_is_object if is_object(input)

deny contains "invalid_input: action must be a string" if not action_is_string

action_is_string if is_string(request.action)

deny contains sprintf("unknown_action: %q is not an agent-to-agent action", [request.action]) if {
	action_is_string
	not action
}

deny contains sprintf("invalid_input: %s.id must be a non-empty string", [side]) if {
	some side in ["source_agent", "target_agent"]
	not valid_id(side)
}

valid_id(side) if {
	is_string(request[side].id)
	request[side].id != ""
}

deny contains sprintf("invalid_input: %s.trust_level must be one of %s", [side, level_names]) if {
	some side in ["source_agent", "target_agent"]
	not known_level(side)
}

known_level(side) if config.trust_levels[request[side].trust_level]

level_names := concat(", ", sort(object.keys(config.trust_levels)))

deny contains sprintf("invalid_input: %s.capabilities must be an array of strings", [side]) if {
	some side in ["source_agent", "target_agent"]
	not valid_capabilities(side)
}

valid_capabilities(side) if {
	is_array(request[side].capabilities)
	every capability in request[side].capabilities {
		is_string(capability)
	}
}

deny contains "invalid_input: source_agent.request_count_last_hour must be a non-negative integer" if {
	not request_count
}

request_count := n if {
	n := request.source_agent.request_count_last_hour
	natural(n)
}

deny contains "invalid_input: context.workflow_id must be a non-empty string" if not valid_workflow

valid_workflow if {
	is_string(request.context.workflow_id)
	request.context.workflow_id != ""
}

deny contains "invalid_input: context.user_id must be a string when given" if {
	is_object(request.context)
	"user_id" in object.keys(request.context)
	not user_id_is_string
}

user_id_is_string if is_string(request.context.user_id)

deny contains "invalid_input: context.delegation_depth must be a non-negative integer" if not depth

depth := d if {
	d := request.context.delegation_depth
	natural(d)
}

natural(n) if {
	is_number(n)
	n >= 0
	floor(n) == n
}

# ---------------------------------------------------------------------------
# Trust: a source may call a target of equal or lower trust, or of a level listed for it
# in data.extra_allowed_calls.

may_call if source_level.rank >= target_level.rank

may_call if request.target_agent.trust_level in object.get(config.extra_allowed_calls, request.source_agent.trust_level, [])

deny contains sprintf("trust_level: a %s-trust agent may not call a %s-trust agent", [request.source_agent.trust_level, request.target_agent.trust_level]) if {
	source_level
	target_level
	not may_call
}

# ---------------------------------------------------------------------------
# Capabilities each action needs, on either side.

deny contains sprintf("capability: source agent %s lacks %q, needed for %s", [request.source_agent.id, capability, request.action]) if {
	valid_capabilities("source_agent")
	some capability in action.source_capabilities
	not has_capability("source_agent", capability)
}

deny contains sprintf("capability: target agent %s lacks %q, needed for %s", [request.target_agent.id, capability, request.action]) if {
	valid_capabilities("target_agent")
	some capability in action.target_capabilities
	not has_capability("target_agent", capability)
}

has_capability(side, capability) if capability in request[side].capabilities

# ---------------------------------------------------------------------------
# Delegation depth: the depth this call reaches (one more than the current depth for a
# delegation) may not exceed the source's trust level's max_delegation_depth.

resulting_depth := depth + 1 if request.action == "a2a:delegate" else := depth

deny contains sprintf("delegation_depth: %s reaches depth %d; %s-trust agents may reach %d", [request.action, resulting_depth, request.source_agent.trust_level, source_level.max_delegation_depth]) if {
	action
	resulting_depth > source_level.max_delegation_depth
}

# ---------------------------------------------------------------------------
# Rate limit per trust level: the count excludes this call.

deny contains sprintf("rate_limit: agent %s made %d calls in the last hour; %s-trust agents may make %d", [request.source_agent.id, request_count, request.source_agent.trust_level, source_level.max_requests_per_hour]) if {
	request_count >= source_level.max_requests_per_hour
}

# ---------------------------------------------------------------------------
# Audit id: the same call always gives the same id.

audit_fields := {
	"source": object.get(request, ["source_agent", "id"], null),
	"target": object.get(request, ["target_agent", "id"], null),
	"action": object.get(request, "action", null),
	"workflow": object.get(request, ["context", "workflow_id"], null),
	"user": object.get(request, ["context", "user_id"], null),
	"depth": object.get(request, ["context", "delegation_depth"], null),
	"count": object.get(request, ["source_agent", "request_count_last_hour"], null),
}

audit_id := concat("", ["a2a-", substring(crypto.sha256(json.marshal(audit_fields)), 0, 32)])

# ---------------------------------------------------------------------------
# Cache TTL: the shorter of the two agents' trust-level TTLs. Never cached (0): denies for
# invalid input, an unknown action or the rate limit (the count changes with every call).

uncacheable_codes := {"invalid_input", "unknown_action", "rate_limit"}

cache_ttl := 0 if {
	some code in reason_codes
	code in uncacheable_codes
} else := min({source_level.cache_ttl, target_level.cache_ttl})
