# METADATA
# title: Allow with NotAction or NotResource
# description: |
#   An Allow statement uses NotAction or NotResource: it grants everything except a list, so
#   every action or resource AWS adds later is granted too. Deny statements with NotAction or
#   NotResource are a sound guard pattern and are not reported.
# custom:
#   id: NHI-LP-007
#   severity: medium
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Rewrite the statement as an Allow of the actions and resources needed; keep exceptions as a
#     separate Deny statement.
#   references:
#     owasp: [NHI5]
#     nistCsf: [PR.AA-05]
#     hipaa: ["164.308(a)(4)"]
package nhi.rules.lp_007

import data.nhi.lib
import data.nhi.lib.iam

findings contains lib.finding(policy.id, holder, msg) if {
	some grant in iam.allows
	policy := grant.policy
	stmt := grant.stmt
	some field, name in {"notActions": "NotAction", "notResources": "NotResource"}
	list := stmt[field]
	is_array(list)
	count(list) > 0
	some holder in iam.holders(policy.id)
	msg := sprintf("policy %s has an Allow statement with %s [%s]: everything else is allowed", [lib.label(policy), name, concat(", ", list)])
}
