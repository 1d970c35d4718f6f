# METADATA
# title: One role reused by several workloads
# description: |
#   A role's trust policy lets more than one service or workload principal assume it: AWS service
#   principals (lambda.amazonaws.com, ec2.amazonaws.com, ...) and federated (OIDC or SAML)
#   providers, counted across all its Allow statements. Each workload should have its own role.
# custom:
#   id: NHI-TR-006
#   severity: medium
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Give each service or workload its own role with the permissions it needs, so that their
#     access, audit trail and offboarding stay separate.
#   references:
#     owasp: [NHI9]
#     nistCsf: [PR.AA-01, PR.AA-05]
#     hipaa: ["164.308(a)(4)", "164.312(b)"]
package nhi.rules.tr_006

import data.nhi.lib
import data.nhi.lib.iam

findings contains lib.finding(identity.id, identity.id, msg) if {
	some identity in lib.identities
	workloads := {lower(p) |
		some stmt in iam.trust_allows(identity)
		some kind in ["service", "federated"]
		some p in iam.principal_list(stmt, kind)
	}
	count(workloads) > 1
	msg := sprintf("%s %s is trusted by %d service or workload principals: %s", [identity.kind, lib.label(identity), count(workloads), concat(", ", sort(workloads))])
}
