# METADATA
# title: Governance tag drift
# description: |
#   The governance tags of a declared identity or secret differ live: owner, expires-on,
#   data-class, environment or identity-kind (tag keys as configured). A tag edited in the console
#   moves accountability or expiry away from what was reviewed in code.
# custom:
#   id: NHI-DRIFT-004
#   severity: medium
#   sources: [drift]
#   remediation: >-
#     Re-apply the declaration to restore the reviewed tags, or change them in stacks/ through a
#     pull request if the live values are right. Tag changes on identities belong in code.
#   references:
#     owasp: [NHI1]
#     nistCsf: [ID.AM-08, PR.AA-01]
#     hipaa: ["164.308(a)(4)"]
package nhi.rules.drift_004

import data.nhi.lib
import data.nhi.lib.drift

findings contains lib.finding(d.id, d.id, msg) if {
	some [d, l] in drift.identity_pairs
	not d.tagsUnknown
	diffs := differences(d, l)
	count(diffs) > 0
	msg := sprintf("%s %s: %s", [d.kind, lib.label(d), concat("; ", sort(diffs))])
}

findings contains lib.finding(d.id, null, msg) if {
	some [d, l] in drift.secret_pairs
	diffs := differences(d, l)
	count(diffs) > 0
	msg := sprintf("secret %s: %s", [lib.label(d), concat("; ", sort(diffs))])
}

differences(d, l) := {sprintf("%s is %s live but %s declared", [k, shown(lv), shown(dv)]) |
	dg := governance_facts(object.get(d, "governance", {}))
	lg := governance_facts(object.get(l, "governance", {}))
	some k, dv in dg
	lv := lg[k]
	dv != lv
}

# The governance facts compared between declaration and live (name in messages -> value).
governance_facts(g) := {
	"owner": object.get(g, "owner", null),
	"expires-on": object.get(object.get(g, "expiry", {}), "raw", null),
	"data-class": object.get(g, "dataClass", null),
	"environment": object.get(g, "environment", null),
	"identity-kind": object.get(g, "identityKind", null),
}

shown(v) := sprintf("\"%s\"", [v]) if is_string(v)

shown(v) := "(none)" if not is_string(v)
