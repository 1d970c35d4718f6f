# METADATA
# title: Identity or secret without an owner
# description: An identity or secret has no owner tag, so nobody is accountable for it.
# custom:
#   id: NHI-OWN-001
#   severity: high
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Tag it with the accountable team (tag key "owner" by default). In stacks/, every construct
#     takes an owner in its governance metadata.
#   references:
#     owasp: [NHI1]
#     nistCsf: [ID.AM-08, PR.AA-01]
#     hipaa: ["164.308(a)(3)(ii)(C)", "164.308(a)(4)"]
package nhi.rules.own_001

import data.nhi.lib

findings contains lib.finding(identity.id, identity.id, msg) if {
	some identity in lib.identities
	not identity.tagsUnknown
	lib.missing(identity.governance, "owner")
	msg := sprintf("%s %s has no \"%s\" tag", [identity.kind, lib.label(identity), lib.config.tagKeys.owner])
}

findings contains lib.finding(secret.id, null, msg) if {
	some secret in lib.secrets
	lib.missing(secret.governance, "owner")
	msg := sprintf("secret %s has no \"%s\" tag", [lib.label(secret), lib.config.tagKeys.owner])
}
