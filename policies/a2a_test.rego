package sark.a2a_test

import data.sark.a2a

base := {
	"source_agent": {
		"id": "planner",
		"trust_level": "high",
		"capabilities": ["invoke", "delegate", "receive"],
		"owner_id": "u-1",
		"request_count_last_hour": 10,
	},
	"target_agent": {
		"id": "coder",
		"trust_level": "medium",
		"capabilities": ["receive", "accept_delegation"],
		"owner_id": "u-1",
	},
	"action": "a2a:invoke",
	"context": {"workflow_id": "wf-42", "user_id": "u-1", "delegation_depth": 0},
}

decide(patch) := d if {
	d := a2a.decision with input as object.union(base, patch)
}

call(source, target) := decide({"source_agent": {"trust_level": source}, "target_agent": {"trust_level": target}})

codes(d) := {split(r, ":")[0] | some r in d.reasons}

# --- the shape of the answer ----------------------------------------------------

test_allowed_call if {
	d := decide({})
	d.allow == true
	d.reason == "allowed"
	d.reasons == []
	d.cache_ttl == 300
	startswith(d.audit_id, "a2a-")
	count(d.audit_id) == 36
	object.keys(d) == {"allow", "reason", "reasons", "audit_id", "cache_ttl"}
}

test_decision_defined_without_input if {
	d := a2a.decision
	d.allow == false
	"invalid_input: input must be an object" in d.reasons
	d.cache_ttl == 0
}

test_reason_joins_sorted_reasons if {
	d := decide({"source_agent": {"trust_level": "low", "request_count_last_hour": 60, "capabilities": []}, "context": {"delegation_depth": 1}})
	d.reasons == sort(d.reasons)
	d.reason == concat("; ", d.reasons)
	codes(d) == {"trust_level", "capability", "delegation_depth", "rate_limit"}
}

# --- input validation -------------------------------------------------------------

test_unknown_action if {
	d := decide({"action": "a2a:result"})
	d.reasons == [`unknown_action: "a2a:result" is not an agent-to-agent action`]
	d.cache_ttl == 0
}

test_missing_action if {
	d := a2a.decision with input as object.remove(base, ["action"])
	d.reasons == ["invalid_input: action must be a string"]
}

test_missing_ids if {
	d := a2a.decision with input as json.remove(base, ["source_agent/id", "target_agent/id"])
	"invalid_input: source_agent.id must be a non-empty string" in d.reasons
	"invalid_input: target_agent.id must be a non-empty string" in d.reasons
	d.cache_ttl == 0
}

test_unknown_trust_level if {
	d := decide({"target_agent": {"trust_level": "supreme"}})
	d.reasons == ["invalid_input: target_agent.trust_level must be one of critical, high, low, medium"]
}

test_missing_trust_level if {
	d := a2a.decision with input as json.remove(base, ["source_agent/trust_level"])
	d.reasons == ["invalid_input: source_agent.trust_level must be one of critical, high, low, medium"]
}

test_capabilities_must_be_strings if {
	d := decide({"source_agent": {"capabilities": "invoke"}})
	d.reasons == ["invalid_input: source_agent.capabilities must be an array of strings"]
	e := decide({"target_agent": {"capabilities": ["receive", 1]}})
	e.reasons == ["invalid_input: target_agent.capabilities must be an array of strings"]
}

test_request_count_must_be_a_natural_number if {
	codes(decide({"source_agent": {"request_count_last_hour": -1}})) == {"invalid_input"}
	codes(decide({"source_agent": {"request_count_last_hour": 1.5}})) == {"invalid_input"}
	codes(decide({"source_agent": {"request_count_last_hour": "3"}})) == {"invalid_input"}
	d := a2a.decision with input as json.remove(base, ["source_agent/request_count_last_hour"])
	codes(d) == {"invalid_input"}
}

test_delegation_depth_must_be_a_natural_number if {
	d := a2a.decision with input as json.remove(base, ["context/delegation_depth"])
	d.reasons == ["invalid_input: context.delegation_depth must be a non-negative integer"]
	codes(decide({"context": {"delegation_depth": -1}})) == {"invalid_input"}
	codes(decide({"context": {"delegation_depth": "0"}})) == {"invalid_input"}
}

test_workflow_id_required if {
	d := a2a.decision with input as json.remove(base, ["context/workflow_id"])
	d.reasons == ["invalid_input: context.workflow_id must be a non-empty string"]
}

test_user_id_optional if {
	d := a2a.decision with input as json.remove(base, ["context/user_id"])
	d.allow
	e := decide({"context": {"user_id": 7}})
	e.reasons == ["invalid_input: context.user_id must be a string when given"]
}

# --- trust levels -------------------------------------------------------------------

test_equal_or_lower_trust_is_allowed if {
	call("critical", "critical").allow
	call("critical", "low").allow
	call("high", "high").allow
	call("high", "medium").allow
	call("medium", "low").allow
	call("low", "low").allow
}

test_higher_trust_is_denied if {
	d := call("low", "medium")
	d.reasons == ["trust_level: a low-trust agent may not call a medium-trust agent"]
	d.cache_ttl == 900
	not call("high", "critical").allow
	not call("low", "critical").allow
	not call("medium", "critical").allow
}

test_extra_allowed_calls_from_data if {
	# data lets medium agents call high ones
	call("medium", "high").allow
	not call("medium", "high").allow with data.sark_config.a2a.extra_allowed_calls as {}
	call("low", "critical").allow with data.sark_config.a2a.extra_allowed_calls as {"low": ["critical"]}
}

# --- capabilities -------------------------------------------------------------------------

test_invoke_needs_invoke_and_receive if {
	d := decide({"source_agent": {"capabilities": ["delegate"]}, "target_agent": {"capabilities": []}})
	d.reasons == [
		`capability: source agent planner lacks "invoke", needed for a2a:invoke`,
		`capability: target agent coder lacks "receive", needed for a2a:invoke`,
	]
	d.cache_ttl == 300
}

test_delegate_needs_more if {
	decide({"action": "a2a:delegate"}).allow
	d := decide({"action": "a2a:delegate", "source_agent": {"capabilities": ["invoke"]}, "target_agent": {"capabilities": ["receive"]}})
	d.reasons == [
		`capability: source agent planner lacks "delegate", needed for a2a:delegate`,
		`capability: target agent coder lacks "accept_delegation", needed for a2a:delegate`,
	]
}

test_extra_capabilities_are_harmless if {
	decide({"source_agent": {"capabilities": ["invoke", "x", "y"]}}).allow
}

# --- delegation depth ------------------------------------------------------------------------

depth(level, action, d) := decide({
	"source_agent": {"trust_level": level},
	"target_agent": {"trust_level": "low"},
	"action": action,
	"context": {"delegation_depth": d},
})

test_delegation_depth_limits if {
	# high: up to 3
	depth("high", "a2a:invoke", 3).allow
	not depth("high", "a2a:invoke", 4).allow
	depth("high", "a2a:delegate", 2).allow
	d := depth("high", "a2a:delegate", 3)
	d.reasons == ["delegation_depth: a2a:delegate reaches depth 4; high-trust agents may reach 3"]

	# critical: up to 5
	depth("critical", "a2a:delegate", 4).allow
	not depth("critical", "a2a:delegate", 5).allow

	# medium: one level
	depth("medium", "a2a:delegate", 0).allow
	not depth("medium", "a2a:delegate", 1).allow
	depth("medium", "a2a:invoke", 1).allow

	# low: never delegates, invokes only at depth 0
	not depth("low", "a2a:delegate", 0).allow
	depth("low", "a2a:invoke", 0).allow
	e := depth("low", "a2a:invoke", 1)
	e.reasons == ["delegation_depth: a2a:invoke reaches depth 1; low-trust agents may reach 0"]
}

test_delegation_depth_from_data if {
	not depth("high", "a2a:invoke", 1).allow with data.sark_config.a2a.trust_levels.high.max_delegation_depth as 0
}

# --- rate limits ---------------------------------------------------------------------------------

rate(level, n) := decide({"source_agent": {"trust_level": level, "request_count_last_hour": n}, "target_agent": {"trust_level": "low"}})

test_rate_limits_by_trust_level if {
	rate("low", 59).allow
	d := rate("low", 60)
	d.reasons == ["rate_limit: agent planner made 60 calls in the last hour; low-trust agents may make 60"]
	d.cache_ttl == 0
	rate("medium", 599).allow
	not rate("medium", 600).allow
	rate("high", 3599).allow
	not rate("high", 3600).allow
	rate("critical", 35999).allow
	not rate("critical", 36000).allow
	rate("low", 0).allow
}

# --- audit id and cache TTL ------------------------------------------------------------------------

test_audit_id_is_deterministic if {
	decide({}).audit_id == decide({}).audit_id
	decide({}).audit_id == decide({"target_agent": {"capabilities": []}}).audit_id
	decide({}).audit_id != decide({"context": {"workflow_id": "wf-43"}}).audit_id
	decide({}).audit_id != decide({"source_agent": {"request_count_last_hour": 11}}).audit_id
	decide({}).audit_id != decide({"action": "a2a:delegate"}).audit_id
}

test_audit_id_value if {
	fields := {
		"source": "planner", "target": "coder", "action": "a2a:invoke", "workflow": "wf-42",
		"user": "u-1", "depth": 0, "count": 10,
	}
	decide({}).audit_id == concat("", ["a2a-", substring(crypto.sha256(json.marshal(fields)), 0, 32)])
}

test_cache_ttl_is_the_shorter_of_both_levels if {
	call("critical", "low").cache_ttl == 60
	call("low", "low").cache_ttl == 1800
	call("medium", "low").cache_ttl == 900
	call("high", "medium").cache_ttl == 300
}
