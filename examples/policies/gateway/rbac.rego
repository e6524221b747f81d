# Role-based access: the user's roles with every role they inherit, and what those allow.
package gateway.rbac

# The roles `role` inherits from directly.
parents(role) := {p | some p in object.get(data.roles, [role, "inherits"], [])}

# Every role `role` inherits from, four levels deep. Rego has no recursion (graph.reachable
# would do this); `too_deep` lists the roles whose chains go further.
ancestors(role) := ((p1 | p2) | p3) | p4 if {
	p1 := parents(role)
	p2 := {p | some q in p1; some p in parents(q)}
	p3 := {p | some q in p2; some p in parents(q)}
	p4 := {p | some q in p3; some p in parents(q)}
}

too_deep contains role if {
	some role, _ in data.roles
	p4 := {p | some q in ancestors(role); some p in parents(q)} - ancestors(role)
	count(p4) > 0
}

# The user's roles, inherited ones included.
roles contains role if {
	some role in input.user.roles
	data.roles[role]
}

roles contains inherited if {
	some role in input.user.roles
	some inherited in ancestors(role)
}

unknown_roles contains role if {
	some role in input.user.roles
	not data.roles[role]
}

permissions contains permission if {
	some role in roles
	some permission in data.roles[role].permissions
}

# The highest clearance among the user's roles, as a sensitivity level (0 without roles).
default clearance := 0

clearance := max({data.sensitivity_levels[data.roles[role].clearance] | some role in roles})
