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

# The facts name the first `shown` principals by label (checks/access/facts.ts ACCESS_SHOWN).
shown := 8

exceeds(s) if s.reachCount > limit(s)

exceeds(s) if s.reachedByAnyone

names(s) := concat(", ", array.slice(sorted, 0, shown)) if {
	# p is bound by `some p in ...`: labels[p] is a lookup, not an iteration.
	# regal ignore:prefer-some-in-iteration
	sorted := sort([access.labels[p] | some p in access.shown_of(s)])
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

how_many(s) := sprintf("by anyone (a resource policy admits every principal), %d principals in all, at most %s allowed", [s.reachCount, limit_text(s)]) if s.reachedByAnyone

how_many(s) := sprintf("by %d principals, more than %s", [s.reachCount, limit_text(s)]) if not s.reachedByAnyone

findings contains lib.finding(s.id, null, msg) if {
	some s in access.phi_stores
	exceeds(s)
	msg := sprintf("%s (data-class phi) is reachable %s: %s%s%s", [
		access.store_label(s.id), how_many(s), names(s), lib.and_more(s.reachCount, count(s.shown)), dormant_text(access.used_of(s)),
	])
}
