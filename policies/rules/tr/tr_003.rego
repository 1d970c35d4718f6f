# METADATA
# title: Web-identity trust open to any workload
# description: |
#   A role trusts an OIDC provider (federated arn:...:oidc-provider/<host>, or accounts.google.com)
#   without a condition on "<host>:sub", or with a sub pattern that matches any repository or
#   workload. A sub value is too broad when it is only wildcards, or when its repository or
#   workload part has a wildcard: "repo:<owner/repo>:..." (GitHub), "project_path:<path>:..."
#   (GitLab), "system:serviceaccount:<namespace>:<name>" (EKS); other formats when they hold a
#   wildcard at all. Wildcards count only under StringLike (under StringEquals "*" is literal).
#   "repo:org/app:*" (any ref of one repository) is accepted.
# custom:
#   id: NHI-TR-003
#   severity: high
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Add a StringEquals (or StringLike with a fixed repository) condition on "<host>:sub", e.g.
#     "repo:org/app:ref:refs/heads/main" or "repo:org/app:environment:prod", and on "<host>:aud".
#   references:
#     owasp: [NHI3, NHI4]
#     nistCsf: [PR.AA-03, PR.AA-05]
#     hipaa: ["164.312(d)"]
package nhi.rules.tr_003

import data.nhi.lib
import data.nhi.lib.iam

findings contains lib.finding(identity.id, identity.id, msg) if {
	some identity in lib.identities
	some stmt in iam.trust_allows(identity)
	some provider in iam.principal_list(stmt, "federated")
	host := oidc_host(provider)
	not sub_conditions(stmt, host)
	msg := sprintf("%s %s trusts the OIDC provider %s without a \"%s:sub\" condition: any workload of that provider can assume it", [identity.kind, lib.label(identity), host, host])
}

findings contains lib.finding(identity.id, identity.id, msg) if {
	some identity in lib.identities
	some stmt in iam.trust_allows(identity)
	some provider in iam.principal_list(stmt, "federated")
	host := oidc_host(provider)
	some c in sub_conditions(stmt, host)
	some value in c.values
	broad(c, value)
	msg := sprintf("%s %s trusts the OIDC provider %s with %s \"%s:sub\" = \"%s\", which matches any repository or workload", [identity.kind, lib.label(identity), host, c.operator, host, value])
}

oidc_host(provider) := lower(substring(provider, i + 15, -1)) if {
	i := indexof(provider, ":oidc-provider/")
	i >= 0
}

oidc_host("accounts.google.com") := "accounts.google.com"

# The positive sub conditions for host (judged value by value), undefined when there is none.
sub_conditions(stmt, host) := cs if {
	cs := [c |
		some c in stmt.conditions
		c.key == sprintf("%s:sub", [host])
		iam.positive(c)
	]
	count(cs) > 0
}

like(c) if iam.base_operator(c.operator) == "stringlike"

broad(c, value) if {
	like(c)
	iam.wildcard(workload_part(value))
}

# The part of a sub value that names the repository or workload.
workload_part(value) := parts[1] if {
	parts := split(value, ":")
	parts[0] in {"repo", "project_path"}
	count(parts) > 1
} else := concat(":", array.slice(parts, 2, 4)) if {
	parts := split(value, ":")
	parts[0] == "system"
	parts[1] == "serviceaccount"
} else := value
