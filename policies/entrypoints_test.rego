# The paths the TypeScript side queries, spelled out in full: the system this pack
# descends from queried an a2a rule its policy never defined, and denied every call.
package sark.entrypoints_test

gateway_input := {
	"user": {"id": "dana", "roles": ["developer"], "teams": ["platform"]},
	"action": "gateway:tool:invoke",
	"tool": {"name": "deploy-preview", "sensitivity_level": "medium"},
	"context": {"timestamp": "2025-06-02T10:00:00Z", "ip": "10.1.2.3"},
}

a2a_input := {
	"source_agent": {"id": "planner", "trust_level": "high", "capabilities": ["invoke"], "owner_id": "u-1", "request_count_last_hour": 0},
	"target_agent": {"id": "coder", "trust_level": "medium", "capabilities": ["receive"], "owner_id": "u-1"},
	"action": "a2a:invoke",
	"context": {"workflow_id": "wf-1", "user_id": "u-1", "delegation_depth": 0},
}

test_gateway_entry_point if {
	data.sark.gateway.decision.allow with input as gateway_input
}

test_a2a_entry_point if {
	data.sark.a2a.decision.allow with input as a2a_input
}

test_entry_points_are_always_defined if {
	data.sark.gateway.decision.allow == false with input as {}
	data.sark.a2a.decision.allow == false with input as {}
	data.sark.gateway.decision.allow == false with input as a2a_input
	data.sark.a2a.decision.allow == false with input as gateway_input
}
