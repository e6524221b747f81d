package sark.gateway_test

import data.sark.gateway

# 2025-06-02 is a Monday; 2025-06-07 a Saturday, 2025-06-08 a Sunday.
base := {
	"user": {"id": "dana", "roles": ["developer"], "teams": ["platform"]},
	"action": "gateway:tool:invoke",
	"tool": {"name": "deploy-preview", "sensitivity_level": "medium"},
	"server": {"name": "build-1", "owner_team": "platform"},
	"context": {"timestamp": "2025-06-02T10:00:00Z", "ip": "10.1.2.3"},
}

# The decision for base with `patch` merged in (objects merge recursively; other values replace).
decide(patch) := d if {
	d := gateway.decision with input as object.union(base, patch)
}

as_user(roles, level, ts) := decide({
	"user": {"roles": roles},
	"tool": {"sensitivity_level": level},
	"context": {"timestamp": ts, "ip": "10.10.1.1"},
})

codes(d) := {split(r, ":")[0] | some r in d.reasons}

# --- the shape of the answer -------------------------------------------------

test_allowed_request if {
	d := decide({})
	d.allow == true
	d.reason == "allowed"
	d.reasons == []
	d.cache_ttl == 900
	startswith(d.audit_id, "gw-")
	count(d.audit_id) == 35
	object.keys(d) == {"allow", "reason", "reasons", "audit_id", "cache_ttl"}
}

test_decision_defined_without_input if {
	d := gateway.decision
	d.allow == false
	"invalid_input: input must be an object" in d.reasons
	d.cache_ttl == 0
	startswith(d.audit_id, "gw-")
}

test_decision_defined_for_non_object_input if {
	d := gateway.decision with input as "alice"
	d.allow == false
	"invalid_input: input must be an object" in d.reasons
}

test_reason_joins_sorted_reasons if {
	d := decide({"user": {"roles": ["guest"], "teams": []}, "context": {"ip": "8.8.8.8"}})
	d.allow == false
	d.reasons == sort(d.reasons)
	count(d.reasons) == 3
	d.reason == concat("; ", d.reasons)
	codes(d) == {"insufficient_role", "team_ownership", "ip_not_allowed"}
}

# --- input validation ----------------------------------------------------------

test_unknown_action if {
	d := decide({"action": "gateway:tool:delete"})
	d.reasons == [`unknown_action: "gateway:tool:delete" is not a gateway action`]
	d.cache_ttl == 0
}

test_missing_action if {
	d := gateway.decision with input as object.remove(base, ["action"])
	d.allow == false
	"invalid_input: action must be a string" in d.reasons
}

test_missing_user_id if {
	d := decide({"user": {"id": ""}})
	d.reasons == ["invalid_input: user.id must be a non-empty string"]
}

test_roles_must_be_strings if {
	d := decide({"user": {"roles": ["developer", 7]}})
	"invalid_input: user.roles must be an array of strings" in d.reasons
}

test_missing_roles if {
	d := gateway.decision with input as json.remove(base, ["user/roles"])
	"invalid_input: user.roles must be an array of strings" in d.reasons
}

test_teams_must_be_strings if {
	d := decide({"user": {"teams": "platform"}})
	"invalid_input: user.teams must be an array of strings when given" in d.reasons
	"team_ownership: server build-1 is owned by team platform, which the user is not in" in d.reasons
}

test_missing_tool_for_invoke if {
	d := gateway.decision with input as object.remove(base, ["tool"])
	"invalid_input: tool.name must be a non-empty string" in d.reasons
	"invalid_input: tool.sensitivity_level must be one of critical, high, low, medium, public" in d.reasons
	d.cache_ttl == 0
}

test_unknown_sensitivity_level if {
	d := decide({"tool": {"sensitivity_level": "secret"}})
	d.reasons == ["invalid_input: tool.sensitivity_level must be one of critical, high, low, medium, public"]
}

test_missing_timestamp if {
	d := gateway.decision with input as json.remove(base, ["context/timestamp"])
	d.reasons == ["invalid_input: context.timestamp must be an RFC3339 date-time"]
}

test_bad_timestamp if {
	d := decide({"context": {"timestamp": "yesterday"}})
	d.reasons == ["invalid_input: context.timestamp must be an RFC3339 date-time"]
}

test_numeric_timestamp_is_rejected if {
	d := decide({"context": {"timestamp": 1748858400000000000}})
	d.reasons == ["invalid_input: context.timestamp must be an RFC3339 date-time"]
}

test_missing_ip if {
	d := gateway.decision with input as json.remove(base, ["context/ip"])
	d.reasons == ["invalid_input: context.ip must be a string"]
}

# --- roles and sensitivity -----------------------------------------------------

test_effective_roles_follow_the_whole_chain if {
	gateway.effective_roles == {"admin", "sre", "senior_developer", "developer", "viewer", "guest", "security"} with input as object.union(base, {"user": {"roles": ["admin"]}})
	gateway.effective_roles == {"developer", "viewer", "guest"} with input as base
}

test_unknown_roles_grant_nothing if {
	d := as_user(["intern"], "public", "2025-06-02T10:00:00Z")
	d.reasons == ["insufficient_role: tool deploy-preview is public; the user's roles reach none"]
	gateway.clearance == -1 with input as object.union(base, {"user": {"roles": ["intern"]}})
}

test_unknown_role_beside_a_known_one if {
	as_user(["intern", "viewer"], "low", "2025-06-02T10:00:00Z").allow
}

test_guest_reaches_public_only if {
	as_user(["guest"], "public", "2025-06-02T10:00:00Z").allow
	d := as_user(["guest"], "low", "2025-06-02T10:00:00Z")
	d.reasons == ["insufficient_role: tool deploy-preview is low; the user's roles reach public"]
	d.cache_ttl == 1800
}

test_viewer_reaches_low if {
	as_user(["viewer"], "low", "2025-06-02T10:00:00Z").allow
	not as_user(["viewer"], "medium", "2025-06-02T10:00:00Z").allow
}

test_developer_reaches_medium_through_inheritance_for_lower_levels if {
	as_user(["developer"], "public", "2025-06-02T10:00:00Z").allow
	as_user(["developer"], "medium", "2025-06-02T10:00:00Z").allow
	not as_user(["developer"], "high", "2025-06-02T10:00:00Z").allow
}

test_sre_reaches_high_not_critical if {
	as_user(["sre"], "high", "2025-06-02T10:00:00Z").allow
	d := as_user(["sre"], "critical", "2025-06-02T10:00:00Z")
	d.reasons == ["insufficient_role: tool deploy-preview is critical; the user's roles reach high"]
}

test_admin_reaches_critical if {
	as_user(["admin"], "critical", "2025-06-02T10:00:00Z").allow
}

test_highest_role_wins if {
	as_user(["viewer", "security"], "high", "2025-06-02T10:00:00Z").allow
}

test_inheritance_from_data_is_transitive if {
	# a chain of four roles added to the configuration
	roles := {
		"a": {"inherits": ["b"], "max_sensitivity": "public"},
		"b": {"inherits": ["c"], "max_sensitivity": "public"},
		"c": {"inherits": ["d"], "max_sensitivity": "public"},
		"d": {"inherits": [], "max_sensitivity": "high"},
	}
	d := as_user(["a"], "high", "2025-06-02T10:00:00Z") with data.sark_config.gateway.roles as roles
	d.allow
	gateway.clearance_name == "high" with data.sark_config.gateway.roles as roles with input as object.union(base, {"user": {"roles": ["a"]}})
}

test_inheritance_cycle_terminates if {
	roles := {
		"a": {"inherits": ["b"], "max_sensitivity": "low"},
		"b": {"inherits": ["a"], "max_sensitivity": "medium"},
	}
	as_user(["a"], "medium", "2025-06-02T10:00:00Z").allow with data.sark_config.gateway.roles as roles
}

# --- team ownership of servers ---------------------------------------------------

test_server_access_by_team_member if {
	d := gateway.decision with input as object.union(object.remove(base, ["tool"]), {"action": "gateway:server:access"})
	d.allow
	d.cache_ttl == 300
}

test_server_access_by_other_team if {
	d := gateway.decision with input as object.union(object.remove(base, ["tool"]), {"action": "gateway:server:access", "server": {"owner_team": "payments"}})
	d.reasons == ["team_ownership: server build-1 is owned by team payments, which the user is not in"]
	d.cache_ttl == 300
}

test_server_access_by_server_admin_role if {
	d := gateway.decision with input as object.union(object.remove(base, ["tool"]), {
		"action": "gateway:server:access",
		"user": {"roles": ["admin"], "teams": []},
		"server": {"owner_team": "payments"},
	})
	d.allow
}

test_server_access_without_teams if {
	d := gateway.decision with input as object.union(json.remove(base, ["tool", "user/teams"]), {"action": "gateway:server:access"})
	d.reasons == ["team_ownership: server build-1 is owned by team platform, which the user is not in"]
}

test_server_access_needs_a_server if {
	d := gateway.decision with input as object.union(object.remove(base, ["tool", "server"]), {"action": "gateway:server:access"})
	d.reasons == ["invalid_input: server.name and server.owner_team must be strings"]
}

test_tool_invoke_checks_the_named_server if {
	d := decide({"server": {"owner_team": "payments"}})
	d.reasons == ["team_ownership: server build-1 is owned by team payments, which the user is not in"]
}

test_tool_invoke_without_server if {
	d := gateway.decision with input as object.remove(base, ["server"])
	d.allow
}

test_tool_list if {
	d := gateway.decision with input as object.union(object.remove(base, ["tool", "server"]), {"action": "gateway:tool:list", "user": {"roles": ["guest"]}})
	d.allow
	d.cache_ttl == 300
}

# --- time windows -----------------------------------------------------------------

test_critical_window_boundaries if {
	as_user(["admin"], "critical", "2025-06-02T08:00:00Z").allow
	as_user(["admin"], "critical", "2025-06-02T17:59:59Z").allow
	d1 := as_user(["admin"], "critical", "2025-06-02T07:59:59Z")
	d1.reasons == ["time_window: critical tools are allowed Monday,Tuesday,Wednesday,Thursday,Friday 08:00-18:00 (UTC), not Monday 07:59"]
	d1.cache_ttl == 0
	d2 := as_user(["admin"], "critical", "2025-06-02T18:00:00Z")
	codes(d2) == {"time_window"}
}

test_critical_window_weekend if {
	d := as_user(["admin"], "critical", "2025-06-07T10:00:00Z")
	d.reasons == ["time_window: critical tools are allowed Monday,Tuesday,Wednesday,Thursday,Friday 08:00-18:00 (UTC), not Saturday 10:00"]
}

test_high_window if {
	as_user(["sre"], "high", "2025-06-07T10:00:00Z").allow
	as_user(["sre"], "high", "2025-06-02T06:00:00Z").allow
	as_user(["sre"], "high", "2025-06-02T21:59:59Z").allow
	codes(as_user(["sre"], "high", "2025-06-02T22:00:00Z")) == {"time_window"}
	codes(as_user(["sre"], "high", "2025-06-02T05:59:59Z")) == {"time_window"}
	codes(as_user(["sre"], "high", "2025-06-08T10:00:00Z")) == {"time_window"}
}

test_medium_has_no_window if {
	as_user(["developer"], "medium", "2025-06-08T03:00:00Z").allow
}

test_exempt_role_lifts_sensitivity_windows if {
	as_user(["admin", "oncall"], "critical", "2025-06-08T03:00:00Z").allow
	gateway.window_exempt with input as object.union(base, {"user": {"roles": ["oncall"]}})
}

test_role_window if {
	as_user(["contractor"], "low", "2025-06-02T09:00:00Z").allow
	as_user(["contractor"], "low", "2025-06-02T16:59:59Z").allow
	d := as_user(["contractor"], "low", "2025-06-02T17:00:00Z")
	d.reasons == ["time_window: role contractor are allowed Monday,Tuesday,Wednesday,Thursday,Friday 09:00-17:00 (UTC), not Monday 17:00"]
	codes(as_user(["contractor"], "public", "2025-06-07T12:00:00Z")) == {"time_window"}
}

test_role_window_is_not_lifted_by_exemption if {
	codes(as_user(["contractor", "oncall"], "low", "2025-06-02T20:00:00Z")) == {"time_window"}
}

test_role_and_sensitivity_windows_both_apply if {
	d := as_user(["contractor", "security"], "high", "2025-06-02T20:00:00Z")
	count(d.reasons) == 1
	startswith(d.reasons[0], "time_window: role contractor")
	e := as_user(["contractor", "security"], "high", "2025-06-02T23:00:00Z")
	count(e.reasons) == 2
}

test_timestamp_offsets_are_honoured if {
	# 09:30+02:00 is 07:30 UTC: before the critical window
	codes(as_user(["admin"], "critical", "2025-06-02T09:30:00+02:00")) == {"time_window"}
	as_user(["admin"], "critical", "2025-06-02T10:30:00+02:00").allow
}

test_configured_timezone if {
	# 06:30 UTC is 08:30 in Berlin (summer time); 16:30 UTC is 18:30
	as_user(["admin"], "critical", "2025-06-02T06:30:00Z").allow with data.sark_config.gateway.timezone as "Europe/Berlin"
	d := as_user(["admin"], "critical", "2025-06-02T16:30:00Z") with data.sark_config.gateway.timezone as "Europe/Berlin"
	d.reasons == ["time_window: critical tools are allowed Monday,Tuesday,Wednesday,Thursday,Friday 08:00-18:00 (Europe/Berlin), not Monday 18:30"]
	# in winter Berlin is UTC+1: 07:00 UTC is 08:00
	as_user(["admin"], "critical", "2025-01-06T07:00:00Z").allow with data.sark_config.gateway.timezone as "Europe/Berlin"
	codes(as_user(["admin"], "critical", "2025-01-06T06:59:59Z")) == {"time_window"} with data.sark_config.gateway.timezone as "Europe/Berlin"
}

test_weekday_in_configured_timezone if {
	# Friday 23:30 UTC is Saturday 01:30 in Tokyo, outside the weekday window
	tokyo := {"critical": {"days": ["Friday"], "start": "00:00", "end": "23:59"}}
	as_user(["admin"], "critical", "2025-06-06T23:30:00Z").allow with data.sark_config.gateway.time_windows.by_sensitivity as tokyo
	d := as_user(["admin"], "critical", "2025-06-06T23:30:00Z") with data.sark_config.gateway.time_windows.by_sensitivity as tokyo
		with data.sark_config.gateway.timezone as "Asia/Tokyo"
	codes(d) == {"time_window"}
}

test_unknown_timezone_denies if {
	d := as_user(["admin"], "critical", "2025-06-02T10:00:00Z") with data.sark_config.gateway.timezone as "Mars/Olympus"
	d.reasons == [`time_window: cannot read the clock in timezone "Mars/Olympus"`]
	d.cache_ttl == 0
}

test_window_across_midnight if {
	night := {"critical": {"days": ["Monday"], "start": "22:00", "end": "06:00"}}
	as_user(["admin"], "critical", "2025-06-02T22:00:00Z").allow with data.sark_config.gateway.time_windows.by_sensitivity as night
	as_user(["admin"], "critical", "2025-06-02T05:59:59Z").allow with data.sark_config.gateway.time_windows.by_sensitivity as night
	not as_user(["admin"], "critical", "2025-06-02T06:00:00Z").allow with data.sark_config.gateway.time_windows.by_sensitivity as night
	not as_user(["admin"], "critical", "2025-06-02T21:59:59Z").allow with data.sark_config.gateway.time_windows.by_sensitivity as night
	# the weekday is the moment's own: Tuesday 01:00 is outside a Monday-only window
	not as_user(["admin"], "critical", "2025-06-03T01:00:00Z").allow with data.sark_config.gateway.time_windows.by_sensitivity as night
	d := as_user(["admin"], "critical", "2025-06-02T23:00:00Z") with data.sark_config.gateway.time_windows.by_sensitivity as night
	d.cache_ttl == 60
}

# --- IP allow-lists -------------------------------------------------------------------

ip(address) := decide({"context": {"ip": address}})

ip_at(address, level) := decide({"context": {"ip": address}, "user": {"roles": ["admin"]}, "tool": {"sensitivity_level": level}})

test_gateway_allow_list_edges if {
	ip("10.0.0.0").allow
	ip("10.255.255.255").allow
	ip("172.16.0.0").allow
	ip("172.31.255.255").allow
	ip("192.168.255.255").allow
	ip("fd00::1").allow
	ip("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").allow
	not ip("9.255.255.255").allow
	not ip("11.0.0.0").allow
	not ip("172.15.255.255").allow
	not ip("172.32.0.0").allow
	not ip("fe80::1").allow
	not ip("::ffff:8.8.8.8").allow
}

test_gateway_allow_list_reason if {
	d := ip("203.0.113.9")
	d.reasons == ["ip_not_allowed: 203.0.113.9 is not in the gateway allow-list"]
	d.cache_ttl == 900
}

test_unparsable_ip_is_not_allowed if {
	d := ip("not-an-ip")
	d.reasons == ["ip_not_allowed: not-an-ip is not in the gateway allow-list"]
}

test_critical_allow_list if {
	ip_at("10.10.0.0", "critical").allow
	ip_at("10.10.255.255", "critical").allow
	ip_at("fd00:10::5", "critical").allow
	d := ip_at("10.11.0.0", "critical")
	d.reasons == ["ip_not_allowed: 10.11.0.0 is not in the allow-list for critical tools"]
	not ip_at("fd00:11::5", "critical").allow
}

test_high_allow_list if {
	ip_at("10.200.0.1", "high").allow
	d := ip_at("192.168.1.1", "high")
	d.reasons == ["ip_not_allowed: 192.168.1.1 is not in the allow-list for high tools"]
	ip_at("192.168.1.1", "medium").allow
}

test_both_lists_reported if {
	d := ip_at("8.8.8.8", "critical")
	d.reasons == [
		"ip_not_allowed: 8.8.8.8 is not in the allow-list for critical tools",
		"ip_not_allowed: 8.8.8.8 is not in the gateway allow-list",
	]
}

# --- parameters -------------------------------------------------------------------------

filtered(parameters) := decide({"parameters": parameters}).filtered_parameters

test_no_parameters_no_field if {
	not "filtered_parameters" in object.keys(decide({}))
}

test_empty_parameters if {
	filtered({}) == {}
}

test_top_level_secrets_any_case if {
	filtered({
		"query": "select 1",
		"password": "p",
		"Password": "p",
		"API_KEY": "k",
		"apikey": "k",
		"Token": "t",
		"secret": "s",
		"private_key": "pk",
		"Authorization": "Bearer x",
	}) == {"query": "select 1"}
}

test_suffixed_and_camel_case_secrets if {
	filtered({
		"db_password": "p",
		"github-token": "t",
		"aws.access_key": "a",
		"apiKey": "k",
		"githubToken": "t",
		"clientSecret": "s",
		"session_id": "s",
		"limit": 5,
	}) == {"limit": 5}
}

test_lookalike_keys_are_kept if {
	params := {
		"max_tokens": 100,
		"tokenizer": "bpe",
		"password_policy": "strict",
		"secretary": "Ann",
		"keyword": "k",
		"monkey": 1,
	}
	filtered(params) == params
}

test_nested_objects_and_arrays if {
	filtered({
		"db": {"host": "db1", "password": "p", "options": {"sslKey": "k", "apiKey": "k", "ssl": true}},
		"steps": [
			{"name": "a", "token": "t"},
			{"name": "b", "env": [{"NAME": "X", "SECRET": "s"}]},
			"plain",
		],
		"credentials": {"user": "u", "pass": "p"},
	}) == {
		"db": {"host": "db1", "options": {"sslKey": "k", "ssl": true}},
		"steps": [
			{"name": "a"},
			{"name": "b", "env": [{"NAME": "X"}]},
			"plain",
		],
	}
}

test_keys_with_slashes if {
	filtered({"a/b": {"token": "t", "x": 1}, "c/password": "p"}) == {"a/b": {"x": 1}}
}

test_parameters_must_be_an_object if {
	d := decide({"parameters": ["password"]})
	d.reasons == ["invalid_input: parameters must be an object when given"]
	not "filtered_parameters" in object.keys(d)
}

test_filtered_parameters_on_deny_too if {
	d := decide({"parameters": {"q": 1, "token": "t"}, "context": {"ip": "8.8.8.8"}})
	d.allow == false
	d.filtered_parameters == {"q": 1}
}

test_secret_patterns_from_data if {
	filtered({"pin": "1234", "password": "p"}) == {"pin": "1234"}
	filtered({"pin": "1234", "password": "p"}) == {"password": "p"} with data.sark_config.gateway.secret_parameter_patterns as ["^pin$"]
}

# --- audit id ------------------------------------------------------------------------------

test_audit_id_is_deterministic if {
	decide({}).audit_id == decide({}).audit_id
	decide({}).audit_id == decide({"user": {"roles": ["admin"]}}).audit_id
	decide({}).audit_id != decide({"user": {"id": "erin"}}).audit_id
	decide({}).audit_id != decide({"context": {"timestamp": "2025-06-02T10:00:01Z"}}).audit_id
	decide({}).audit_id != decide({"parameters": {}}).audit_id
	decide({"parameters": {"a": 1}}).audit_id != decide({"parameters": {"a": 2}}).audit_id
	decide({}).audit_id != decide({"context": {"ip": "10.1.2.4"}}).audit_id
}

test_audit_id_value if {
	fields := {
		"user": "dana", "action": "gateway:tool:invoke", "tool": "deploy-preview", "server": "build-1",
		"timestamp": "2025-06-02T10:00:00Z", "ip": "10.1.2.3", "parameters": null,
	}
	decide({}).audit_id == concat("", ["gw-", substring(crypto.sha256(json.marshal(fields)), 0, 32)])
}

# --- cache TTL ----------------------------------------------------------------------------------

test_cache_ttl_by_sensitivity if {
	as_user(["admin", "oncall"], "public", "2025-06-02T10:00:00Z").cache_ttl == 3600
	as_user(["admin", "oncall"], "low", "2025-06-02T10:00:00Z").cache_ttl == 1800
	as_user(["admin", "oncall"], "medium", "2025-06-02T10:00:00Z").cache_ttl == 900
	as_user(["admin", "oncall"], "high", "2025-06-02T10:00:00Z").cache_ttl == 300
	as_user(["admin", "oncall"], "critical", "2025-06-02T10:00:00Z").cache_ttl == 60
}

test_cache_ttl_capped_by_window_end if {
	as_user(["sre"], "high", "2025-06-02T21:55:00Z").cache_ttl == 300
	as_user(["sre"], "high", "2025-06-02T21:58:00Z").cache_ttl == 120
	as_user(["admin"], "critical", "2025-06-02T17:59:30Z").cache_ttl == 30
	as_user(["contractor"], "low", "2025-06-02T16:50:00Z").cache_ttl == 600
}

test_cache_ttl_of_denies if {
	as_user(["guest"], "critical", "2025-06-02T10:00:00Z").cache_ttl == 60
	as_user(["admin"], "critical", "2025-06-02T20:00:00Z").cache_ttl == 0
	decide({"action": "nope"}).cache_ttl == 0
}
