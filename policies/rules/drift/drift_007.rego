# METADATA
# title: Trust drift
# description: |
#   The live trust policy of a declared role admits a principal the declaration does not (another
#   account, a service, a federated provider, "*"), allows it an action the declaration does not
#   (sts:AssumeRole, sts:TagSession...), or admits a declared principal without a condition the
#   declaration sets (sts:ExternalId, aws:MultiFactorAuthPresent, an OIDC sub). The declaration is
#   first resolved against the live account (a reference to a declared role becomes its live ARN);
#   a bare account id and its root ARN are the same principal. One finding per role, naming every
#   difference; extra live conditions only restrict and are not drift. Conditions compare per
#   operator, as for NHI-DRIFT-003.
# custom:
#   id: NHI-DRIFT-007
#   severity: high
#   sources: [drift]
#   remediation: >-
#     Restore the declared trust policy (terraform apply), then find out who changed it and why
#     (CloudTrail UpdateAssumeRolePolicy). If the new principal must assume the role, declare it in
#     stacks/ with its conditions so that it is reviewed.
#   references:
#     owasp: [NHI3, NHI4, NHI6]
#     nistCsf: [PR.AA-03, PR.AA-05, DE.CM-09]
#     hipaa: ["164.308(a)(4)", "164.312(a)(1)", "164.312(d)"]
package nhi.rules.drift_007

import data.nhi.lib
import data.nhi.lib.drift
import data.nhi.lib.iam

findings contains object.union(lib.finding(d.id, d.id, msg), {"evidence": [l.id]}) if {
	some [d, l] in drift.identity_pairs
	d.kind == "role"
	d.trust.known
	l.trust.known
	diffs := differences(d, l)
	count(diffs) > 0
	msg := sprintf("role %s: the live trust policy %s, which the declaration does not", [lib.label(l), concat("; ", sort(diffs))])
}

differences(d, l) := {text |
	some s in iam.trust_allows(l)
	some [type, principal] in principals(s)
	some action in object.get(s, "actions", [])
	text := difference(d, s, type, principal, action)
}

# [type, principal] pairs of a live statement; "*" (any) as ["*", "*"].
principals(s) := {[type, lower(p)] |
	some type in ["aws", "service", "federated", "canonicalUser"]
	some p in iam.principal_list(s, type)
	p != "*"
} | {["*", "*"] | object.get(object.get(s, "principals", {}), "any", false) == true}

difference(d, s, type, principal, action) := sprintf("admits %s to %s", [shown(type, principal), iam.written_action(s, action)]) if {
	not admitted(d, type, principal, action)
} else := sprintf("admits %s without the condition %s", [shown(type, principal), concat(", ", sort(dropped(d, s, type, principal, action)))]) if {
	not admitted_with_conditions(d, s, type, principal, action)
}

shown("*", _) := "any principal (*)"

shown(type, principal) := sprintf("%s %s", [label[type], principal]) if type != "*"

label := {"aws": "AWS", "service": "service", "federated": "federated", "canonicalUser": "canonical user"}

# Declared Allow statements that admit the principal to the action, conditions aside.
admitting(d, type, principal, action) := [ds |
	some ds in iam.trust_allows(d)
	iam.any_matches(object.get(ds, "actions", []), action)
	declared_principal_covers(ds, type, principal)
]

admitted(d, type, principal, action) if count(admitting(d, type, principal, action)) > 0

admitted_with_conditions(d, s, type, principal, action) if {
	some ds in admitting(d, type, principal, action)
	drift.conditions_kept(ds, s)
}

dropped(d, s, type, principal, action) := {k |
	some ds in admitting(d, type, principal, action)
	some k in drift.dropped_conditions(ds, s)
}

declared_principal_covers(ds, _, _) if object.get(object.get(ds, "principals", {}), "any", false) == true

declared_principal_covers(ds, type, principal) if {
	type != "*"
	some dp in iam.principal_list(ds, type)
	dp != "*"
	same_principal(type, dp, principal)
}

# AWS accepts an account as its id or its root ARN, and shows it live as the root ARN.
same_principal("aws", declared, live) if iam.matches(root_arn(declared), root_arn(live))

same_principal(type, declared, live) if {
	type != "aws"
	iam.matches(declared, live)
}

root_arn(p) := sprintf("arn:aws:iam::%s:root", [p]) if iam.account_id(p)

root_arn(p) := p if not iam.account_id(p)
