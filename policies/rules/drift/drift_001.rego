# METADATA
# title: Unmanaged identity (shadow NHI)
# description: |
#   A role, user, access key or secret exists live but no declaration covers it: it was created
#   out of band and has no declared owner, purpose or expiry. AWS service-linked roles and the
#   paths in policy data driftExemptPaths are exempt. A live element that may be one of the
#   declarations whose name is known only after apply is still reported, with a note. Secrets
#   match by ARN, or by name within their region: a live secret whose name a region-less
#   declaration shares with other regions is reported with a note naming the declaration.
# custom:
#   id: NHI-DRIFT-001
#   severity: high
#   sources: [drift]
#   remediation: >-
#     Find the owner (CloudTrail shows who created it), then either declare it in stacks/ with its
#     governance tags (and import it into terraform state) or delete it. Add a path to
#     driftExemptPaths only for identities that AWS or another governed system manages.
#   references:
#     owasp: [NHI1, NHI6]
#     nistCsf: [ID.AM-08, PR.AA-01]
#     hipaa: ["164.308(a)(4)", "164.312(a)(1)"]
package nhi.rules.drift_001

import data.nhi.lib
import data.nhi.lib.drift

findings contains lib.finding(i.id, i.id, msg) if {
	some i in input.live.identities
	not i.id in drift.matched_live
	not drift.exempt(i)
	msg := sprintf("%s %s exists live but no declaration covers it%s", [i.kind, lib.label(i), unnamed_note(i.kind)])
}

findings contains lib.finding(c.id, user_of(c), msg) if {
	some c in input.live.credentials
	c.kind in {"secret", "access-key"}
	not c.id in drift.matched_live
	msg := sprintf("%s %s%s exists live but no declaration covers it%s%s", [c.kind, lib.label(c), of_user(c), unnamed_note(c.kind), ambiguous_note(c.id)])
}

user_of(c) := c.identity if is_string(object.get(c, "identity", null))

user_of(c) := null if not is_string(object.get(c, "identity", null))

of_user(c) := sprintf(" of user %s", [u.name]) if {
	u := drift.live_identity[c.identity]
	is_string(u.name)
} else := ""

# A note for a live secret that is a candidate of such a declaration.
ambiguous_note(live_id) := sprintf(
	" (declared secret %s has this name but no known region, and %d regions have the name: set the region of its provider or resource to compare them)",
	[concat(", ", sort(ds)), n],
) if {
	ds := {a.declared | some a in object.get(input.matches, "ambiguous", []); live_id in a.live}
	count(ds) > 0
	n := max({count(a.live) | some a in object.get(input.matches, "ambiguous", []); live_id in a.live})
} else := ""

# Declared elements of a type ("role", "user", "secret", "access-key") whose name is unknown until apply.
unnamed_count(type) := count([u | some u in object.get(input.matches, "unnamed", []); u.type == type])

# A note for messages about a live element that may be one of the unnamed declarations.
unnamed_note(type) := sprintf(" (%d declared %s(s) get their name only at apply and could not be compared: check the post-apply state)", [n, type]) if {
	n := unnamed_count(type)
	n > 0
} else := ""
