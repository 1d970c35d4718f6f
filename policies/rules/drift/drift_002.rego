# METADATA
# title: Declared identity or secret missing live
# description: |
#   A declared role, user or secret does not exist live: it was deleted out of band, or the
#   declaration was never applied. Declarations whose name is known only after apply cannot be
#   looked up and are not reported here (NHI-UNK-001 covers them at plan time). A secret is looked
#   up by ARN or by name within its region; one without a known region whose name live has in
#   several regions is ambiguous and named by NHI-DRIFT-001 beside the candidates instead. A
#   declaration whose live side could not be read (a gap: the account not assumed, the IAM listing
#   or its region's Secrets Manager listing failed) is not compared; the gap is reported (exit 3).
# custom:
#   id: NHI-DRIFT-002
#   severity: medium
#   sources: [drift]
#   remediation: >-
#     Re-apply the declaration (terraform apply) if the identity or secret is still needed, or
#     remove it from stacks/ so the inventory matches what exists. Dependants of a deleted secret
#     fail at their next read.
#   references:
#     owasp: [NHI1]
#     nistCsf: [ID.AM-08]
#     hipaa: ["164.308(a)(4)"]
package nhi.rules.drift_002

import data.nhi.lib
import data.nhi.lib.drift

findings contains lib.finding(i.id, i.id, msg) if {
	some i in drift.declared_identities
	is_string(i.name)
	not i.id in drift.matched_declared
	not i.id in drift.unread_declared
	msg := sprintf("%s %s is declared but does not exist live", [i.kind, i.name])
}

findings contains lib.finding(s.id, null, msg) if {
	some s in drift.declared_secrets
	is_string(s.name)
	not s.id in drift.matched_declared
	not s.id in drift.ambiguous_declared
	not s.id in drift.unread_declared
	msg := sprintf("secret %s is declared but does not exist live", [s.name])
}
