# METADATA
# title: Identity or secret without a purpose
# description: An identity or secret has no purpose tag, so nobody can tell why it exists or when it is no longer needed.
# custom:
#   id: NHI-OWN-002
#   severity: medium
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Tag it with why it exists (tag key "purpose" by default). In stacks/, every construct takes
#     a purpose in its governance metadata.
#   references:
#     owasp: [NHI1]
#     nistCsf: [ID.AM-08]
#     hipaa: ["164.308(a)(4)"]
package nhi.rules.own_002

import data.nhi.lib

findings contains lib.finding(identity.id, identity.id, msg) if {
	some identity in lib.identities
	not identity.tagsUnknown
	lib.missing(identity.governance, "purpose")
	msg := sprintf("%s %s has no \"%s\" tag", [identity.kind, lib.label(identity), lib.config.tagKeys.purpose])
}

findings contains lib.finding(secret.id, null, msg) if {
	some secret in lib.secrets
	lib.missing(secret.governance, "purpose")
	msg := sprintf("secret %s has no \"%s\" tag", [lib.label(secret), lib.config.tagKeys.purpose])
}
