# METADATA
# title: Rotation overdue
# description: |
#   A live secret has automatic rotation enabled, but its last rotation (or its creation, when it
#   was never rotated) is older than the rotation interval plus one day: rotation is failing.
#   When the interval is unknown, the maximum for the secret's data class is used (rotationMaxDays,
#   or rotationMaxDaysPhi for data-class phi).
# custom:
#   id: NHI-ROT-004
#   severity: high
#   sources: [live]
#   remediation: >-
#     Look at the rotation Lambda's logs and the secret's LastRotatedDate; fix the function or
#     its permissions, then rotate now (aws secretsmanager rotate-secret) and check the clients
#     still authenticate.
#   references:
#     owasp: [NHI7]
#     nistCsf: [PR.AA-01, DE.CM-09]
#     hipaa: ["164.308(a)(4)", "164.312(d)"]
package nhi.rules.rot_004

import data.nhi.lib

findings contains lib.finding(secret.id, null, msg) if {
	some secret in lib.secrets
	secret.rotation.enabled == true
	days := secret.rotation.daysSinceRotated
	is_number(days)
	allowed := interval(secret)
	days > allowed.days + 1
	msg := sprintf("secret %s was last rotated %d days ago, but rotates every %d days%s: rotation is failing", [lib.label(secret), days, allowed.days, allowed.why])
}

interval(secret) := {"days": secret.rotation.intervalDays, "why": ""} if {
	is_number(secret.rotation.intervalDays)
} else := {"days": lib.config.rotationMaxDaysPhi, "why": " (interval unknown: the data-class phi maximum)"} if {
	secret.governance.dataClass == "phi"
} else := {"days": lib.config.rotationMaxDays, "why": " (interval unknown: the maximum)"}
