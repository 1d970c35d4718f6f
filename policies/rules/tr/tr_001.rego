# METADATA
# title: Trust policy open to any principal
# description: |
#   An Allow statement of a role's trust policy names any principal (Principal "*" or
#   {"AWS": "*"}) without a restricting condition. Conditions that restrict: aws:SourceArn,
#   aws:SourceAccount, aws:SourceOwner, aws:PrincipalArn, aws:PrincipalAccount,
#   aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:PrincipalTag/*, sts:ExternalId, with a
#   positive operator (not ...IfExists, not ForAllValues:) and no bare "*" value.
# custom:
#   id: NHI-TR-001
#   severity: critical
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Name the principals that may assume the role (account, role ARN, service or OIDC provider),
#     or add a condition on aws:PrincipalOrgID or aws:PrincipalArn.
#   references:
#     owasp: [NHI4, NHI6]
#     nistCsf: [PR.AA-03, PR.AA-05]
#     hipaa: ["164.312(a)(1)", "164.312(d)"]
package nhi.rules.tr_001

import data.nhi.lib
import data.nhi.lib.iam

restricting_keys := {
	"aws:sourcearn", "aws:sourceaccount", "aws:sourceowner",
	"aws:principalarn", "aws:principalaccount", "aws:principalorgid", "aws:principalorgpaths",
	"sts:externalid",
}

findings contains lib.finding(identity.id, identity.id, msg) if {
	some identity in lib.identities
	some stmt in iam.trust_allows(identity)
	any_principal(stmt)
	not restricted(stmt)
	msg := sprintf("%s %s can be assumed by any principal (Principal \"*\")%s", [identity.kind, lib.label(identity), unrestricted_note(stmt)])
}

any_principal(stmt) if stmt.principals.any == true

any_principal(stmt) if "*" in iam.principal_list(stmt, "aws")

restricted(stmt) if {
	some c in stmt.conditions
	restricting_key(c.key)
	iam.restricts(c)
}

restricting_key(key) if key in restricting_keys

restricting_key(key) if startswith(key, "aws:principaltag/")

unrestricted_note(stmt) := "" if count(object.get(stmt, "conditions", [])) == 0

unrestricted_note(stmt) := sprintf(" and its condition (%s) does not restrict who", [iam.condition_keys(stmt)]) if count(object.get(stmt, "conditions", [])) > 0
