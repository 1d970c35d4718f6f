# METADATA
# title: PHI store reachable by too many principals
# description: |
#   A data store of data-class phi is reachable (read, write or admin, directly, through a role
#   chain or through a resource policy) by more principals than its max-reach tag allows, or,
#   without the tag (or with a value that is not a whole number), than the policy data
#   phiMaxReach (default 5). A resource policy that admits anyone always exceeds it. Dormant live
#   identities among them are named: they keep the reach and nobody uses it.
# custom:
#   id: NHI-LP-011
#   severity: medium
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Narrow who reaches the store: remove grants of identities that do not need the data, split
#     readers behind one role, offboard dormant identities. When the reach is intended, set the
#     store's max-reach tag to the number agreed with its owner.
#   references:
#     owasp: [NHI5, NHI1]
#     nistCsf: [PR.AA-05, ID.AM-08]
#     hipaa: ["164.308(a)(4)", "164.312(a)(1)"]
package nhi.rules.lp_011

import data.nhi.lib
import data.nhi.lib.access
import data.nhi.lib.iam

limit(s) := to_number(s.maxReach) if iam.digits(object.get(s, "maxReach", ""), 1, 6)

limit(s) := lib.config.phiMaxReach if not iam.digits(object.get(s, "maxReach", ""), 1, 6)

limit_text(s) := sprintf("its max-reach tag (%d)", [limit(s)]) if iam.digits(object.get(s, "maxReach", ""), 1, 6)

limit_text(s) := sprintf("the default (%d)", [limit(s)]) if not iam.digits(object.get(s, "maxReach", ""), 1, 6)

shown := 8

exceeds(s, ids) if count(ids) > limit(s)

exceeds(_, ids) if "*" in ids

names(ids) := concat(", ", array.slice(sorted, 0, shown)) if {
	# p is bound by `some p in ids`: labels[p] is a lookup, not an iteration.
	# regal ignore:prefer-some-in-iteration
	sorted := sort([access.labels[p] | some p in ids])
}

any_dormant(ids) if {
	some p in ids
	access.dormant_ids[p]
}

dormant_text(ids) := "" if {
	not any_dormant(ids)
}

dormant_text(ids) := sprintf("; dormant but still reaching it: %s", [concat(", ", sort(notes))]) if {
	notes := [sprintf("%s%s", [access.label(p), access.dormant_note(p)]) | some p in ids; access.dormant_ids[p]]
	count(notes) > 0
}

how_many(s, ids) := sprintf("by anyone (a resource policy admits every principal), %d principals in all, at most %s allowed", [count(ids), limit_text(s)]) if "*" in ids

how_many(s, ids) := sprintf("by %d principals, more than %s", [count(ids), limit_text(s)]) if not "*" in ids

findings contains lib.finding(s.id, null, msg) if {
	some s in access.phi_stores
	ids := access.reached_by(s)
	exceeds(s, ids)
	msg := sprintf("%s (data-class phi) is reachable %s: %s%s%s", [
		access.store_label(s.id), how_many(s, ids), names(ids), lib.and_more(count(ids), shown), dormant_text(ids),
	])
}
