# METADATA
# title: Break-glass role without MFA or with long sessions
# description: |
#   A role tagged identity-kind break-glass can be assumed by AWS principals without requiring
#   MFA (a Bool condition aws:MultiFactorAuthPresent "true", or a NumericLessThan condition on
#   aws:MultiFactorAuthAge; BoolIfExists does not count), or its maximum session duration exceeds
#   breakGlassMaxSessionSeconds (3600 s). A trust document unknown until apply is NHI-UNK-001.
# custom:
#   id: NHI-TR-004
#   severity: high
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Add "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}} to every statement of the
#     trust policy, and set max_session_duration to 3600 seconds or less.
#   references:
#     owasp: [NHI4, NHI10]
#     nistCsf: [PR.AA-03]
#     hipaa: ["164.312(a)(2)(ii)", "164.312(d)"]
package nhi.rules.tr_004

import data.nhi.lib
import data.nhi.lib.iam

break_glass := [identity |
	some identity in lib.identities
	identity.governance.identityKind == "break-glass"
]

findings contains lib.finding(identity.id, identity.id, msg) if {
	some identity in break_glass
	some stmt in iam.trust_allows(identity)
	aws_principals(stmt)
	not mfa(stmt)
	msg := sprintf("break-glass %s %s can be assumed by %s without MFA (no aws:MultiFactorAuthPresent condition)", [identity.kind, lib.label(identity), who(stmt)])
}

findings contains lib.finding(identity.id, identity.id, msg) if {
	some identity in break_glass
	allowed := lib.config.breakGlassMaxSessionSeconds
	identity.maxSessionDuration > allowed
	msg := sprintf("break-glass %s %s allows sessions of %d seconds, more than %d", [identity.kind, lib.label(identity), identity.maxSessionDuration, allowed])
}

aws_principals(stmt) if stmt.principals.any == true

aws_principals(stmt) if count(iam.principal_list(stmt, "aws")) > 0

who(stmt) := "any principal" if stmt.principals.any == true

who(stmt) := concat(", ", iam.principal_list(stmt, "aws")) if not stmt.principals.any == true

mfa(stmt) if {
	some c in stmt.conditions
	c.key == "aws:multifactorauthpresent"
	lower(c.operator) == "bool"
	count(c.values) > 0
	every v in c.values {
		lower(v) == "true"
	}
}

mfa(stmt) if {
	some c in stmt.conditions
	c.key == "aws:multifactorauthage"
	lower(c.operator) in {"numericlessthan", "numericlessthanequals"}
}
