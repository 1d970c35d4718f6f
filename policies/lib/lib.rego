# METADATA
# title: Helpers shared by the nhi-guard rules
package nhi.lib

config := data.nhi.config

# Elements that exist or will exist: a resource being deleted is not judged. AWS service-linked
# roles (path /aws-service-role/) are AWS's own: nobody can tag, scope or offboard them, so no
# rule judges them (drift rules exempt them from NHI-DRIFT-001 separately).
# Collections of whole elements are arrays, not sets: a set hashes and compares every element in
# depth, and on a 10k-resource plan that alone cost the WASM evaluation about 0.4 s. Element ids
# are unique in an Inventory, so nothing is lost.
identities := [i |
	some i in input.inventory.identities
	i.change != "delete"
	not service_linked(i)
]

service_linked(i) if startswith(object.get(i, "path", ""), "/aws-service-role/")

secrets := [c |
	some c in input.inventory.credentials
	c.kind == "secret"
	c.change != "delete"
]

policies := [p |
	some p in input.inventory.policies
	p.change != "delete"
]

allow_statements(policy) := [s |
	policy.document.known
	some s in policy.document.document.statements
	s.effect == "Allow"
]

# A finding as the aggregator expects it. identity may be null.
finding(resource, identity, message) := {"resource": resource, "identity": identity, "message": message}

# True when obj has no usable value for key: absent, not a string, or only blanks.
missing(obj, key) if not obj[key]

missing(obj, key) if trim_space(obj[key]) == ""

# A readable name for messages: the name when known, else the id.
label(x) := x.name if is_string(x.name)

label(x) := x.id if not is_string(object.get(x, "name", null))

# " and N more" after a message's list of the first `shown` of n items; "" when it shows them all.
and_more(n, shown) := sprintf(" and %d more", [n - shown]) if n > shown

and_more(n, shown) := "" if n <= shown

# "is still declared" for declarations, "still exists" for what was read live.
presence := "still exists" if input.source == "live"

presence := "is still declared" if input.source != "live"
