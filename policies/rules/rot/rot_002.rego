# METADATA
# title: Rotation interval too long
# description: |
#   A secret's automatic rotation interval exceeds the maximum: rotationMaxDays (90), or
#   rotationMaxDaysPhi (30) when the secret's data-class is phi. An interval unknown to the
#   source (null) is not judged.
# custom:
#   id: NHI-ROT-002
#   severity: medium
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Shorten the rotation schedule (automatically_after_days or schedule_expression) to the
#     maximum for the secret's data class or less.
#   references:
#     owasp: [NHI7]
#     nistCsf: [PR.AA-01]
#     hipaa: ["164.308(a)(4)", "164.312(d)"]
package nhi.rules.rot_002

import data.nhi.lib

findings contains lib.finding(secret.id, null, msg) if {
	some secret in lib.secrets
	secret.rotation.enabled
	days := secret.rotation.intervalDays
	is_number(days)
	allowed := limit(secret)
	days > allowed.days
	msg := sprintf("secret %s rotates every %d days: more than the %d-day maximum%s", [lib.label(secret), days, allowed.days, allowed.why])
}

limit(secret) := {"days": lib.config.rotationMaxDaysPhi, "why": " for data-class phi"} if {
	secret.governance.dataClass == "phi"
} else := {"days": lib.config.rotationMaxDays, "why": ""}
