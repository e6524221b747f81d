# Team ownership: each tool belongs to a team; restricted tools are for that team.
package gateway.ownership

# The teams the user is a member of.
teams contains team if {
	some team, t in data.teams
	input.user.id in t.members
}

owner_team := data.tools[input.tool.name].team

default is_owner := false

is_owner if owner_team in teams

default is_lead := false

is_lead if data.teams[owner_team].lead == input.user.id
