# METADATA
# title: Secret without automatic rotation
# description: A Secrets Manager secret has no automatic rotation configured, or it is disabled.
# custom:
#   id: NHI-ROT-001
#   severity: high
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Configure a rotation Lambda and rotation rules (aws_secretsmanager_secret_rotation) with an
#     interval of at most 90 days (30 for data-class phi).
#   references:
#     owasp: [NHI7]
#     nistCsf: [PR.AA-01]
#     hipaa: ["164.308(a)(4)", "164.312(d)"]
package nhi.rules.rot_001

import data.nhi.lib

findings contains lib.finding(secret.id, null, msg) if {
	some secret in lib.secrets
	not secret.rotation.enabled
	msg := sprintf("secret %s has no automatic rotation", [lib.label(secret)])
}
