# The gateway's decision for one tool call: allowed when no rule denies it.
#   sark eval -d examples/policies/gateway -i examples/policies/inputs/alice-ci-run.json data.gateway.authz.decision
package gateway.authz

import data.gateway.network
import data.gateway.ownership
import data.gateway.rbac

# The permission each gateway action needs.
action_permissions := {
	"gateway:tool:list": "tools:list",
	"gateway:tool:read": "tools:read",
	"gateway:tool:invoke": "tools:invoke",
	"gateway:tool:deploy": "tools:deploy",
}

required_permission := action_permissions[input.action]

tool := data.tools[input.tool.name]

sensitivity := data.sensitivity_levels[tool.sensitivity]

default allow := false

allow if count(deny) == 0

deny contains sprintf("unknown action %q", [input.action]) if not required_permission

deny contains sprintf("unknown tool %q", [input.tool.name]) if not tool

deny contains sprintf("unknown role %q", [role]) if some role in rbac.unknown_roles

deny contains sprintf("missing permission %s", [required_permission]) if {
	not required_permission in rbac.permissions
}

deny contains sprintf("%s needs %s", [input.tool.name, permission]) if {
	some permission in tool.requires
	not permission in rbac.permissions
}

deny contains sprintf("clearance %d is below the sensitivity of %s (%d)", [rbac.clearance, input.tool.name, sensitivity]) if {
	rbac.clearance < sensitivity
}

deny contains sprintf("%s is restricted to team %s", [input.tool.name, tool.team]) if {
	tool.sensitivity == "restricted"
	not ownership.is_owner
	not "admin" in rbac.roles
}

deny contains "restricted tools need MFA" if {
	tool.sensitivity == "restricted"
	not input.context.mfa
}

deny contains "break-glass tools need a ticket" if {
	tool.break_glass
	not input.context.ticket
}

deny contains sprintf("address %s is not in an allowed network", [input.context.ip]) if not network.allowed

deny contains sprintf("refund of %v is over the limit of %v", [input.tool.args.amount, tool.max_amount]) if {
	input.tool.args.amount > tool.max_amount
	not ownership.is_lead
}

decision := {
	"allow": allow,
	"deny": deny,
	"roles": rbac.roles,
	"zones": network.zones,
	"owner": ownership.is_owner,
}
