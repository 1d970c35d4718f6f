# METADATA
# title: Owner not in the owners registry
# description: |
#   The owner tag of an identity or secret names nobody in the owners registry (policy data
#   owners). Only when a registry is configured: with an empty list the rule reports nothing.
#   A missing owner is NHI-OWN-001.
# custom:
#   id: NHI-OWN-004
#   severity: medium
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Use an owner listed in the registry (exact spelling), or add the team to the registry
#     through the owners' process.
#   references:
#     owasp: [NHI1]
#     nistCsf: [ID.AM-08, PR.AA-01]
#     hipaa: ["164.308(a)(3)(ii)(C)", "164.308(a)(4)"]
package nhi.rules.own_004

import data.nhi.lib

registry := {o | some o in object.get(lib.config, "owners", [])}

findings contains lib.finding(identity.id, identity.id, msg) if {
	count(registry) > 0
	some identity in lib.identities
	not identity.tagsUnknown
	not lib.missing(identity.governance, "owner")
	not identity.governance.owner in registry
	msg := sprintf("%s %s has owner \"%s\", which is not in the owners registry", [identity.kind, lib.label(identity), identity.governance.owner])
}

findings contains lib.finding(secret.id, null, msg) if {
	count(registry) > 0
	some secret in lib.secrets
	not lib.missing(secret.governance, "owner")
	not secret.governance.owner in registry
	msg := sprintf("secret %s has owner \"%s\", which is not in the owners registry", [lib.label(secret), secret.governance.owner])
}
