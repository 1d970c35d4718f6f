# METADATA
# title: Classification tags missing or invalid
# description: |
#   An identity's data-class, environment or identity-kind tag is missing or not one of the valid
#   values (policy data validValues; compared as written, so "PHI" is not "phi"). Secrets are
#   checked for data-class and environment only: identity-kind describes identities. One finding
#   per element, listing every problem.
# custom:
#   id: NHI-OWN-003
#   severity: medium
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Set data-class (phi, pii, internal, public), environment (prod, staging, dev, test) and, on
#     identities, identity-kind (service, vendor, break-glass, automation, human-role).
#   references:
#     owasp: [NHI1, NHI8]
#     nistCsf: [ID.AM-08, PR.AA-01]
#     hipaa: ["164.308(a)(4)"]
package nhi.rules.own_003

import data.nhi.lib

identity_fields := ["dataClass", "environment", "identityKind"]

secret_fields := ["dataClass", "environment"]

findings contains lib.finding(identity.id, identity.id, msg) if {
	some identity in lib.identities
	not identity.tagsUnknown
	issues := problems(identity.governance, identity_fields)
	count(issues) > 0
	msg := sprintf("%s %s: %s", [identity.kind, lib.label(identity), concat("; ", issues)])
}

findings contains lib.finding(secret.id, null, msg) if {
	some secret in lib.secrets
	issues := problems(secret.governance, secret_fields)
	count(issues) > 0
	msg := sprintf("secret %s: %s", [lib.label(secret), concat("; ", issues)])
}

problems(gov, fields) := [p |
	some field in fields
	some p in problem(object.get(gov, field, null), field)
]

problem(value, field) := [sprintf("no \"%s\" tag", [lib.config.tagKeys[field]])] if {
	not is_string(value)
} else := [sprintf("no \"%s\" tag", [lib.config.tagKeys[field]])] if {
	trim_space(value) == ""
} else := [sprintf("\"%s\" = \"%s\" is not one of %s", [lib.config.tagKeys[field], value, concat(", ", lib.config.validValues[field])])] if {
	not value in lib.config.validValues[field]
} else := []
