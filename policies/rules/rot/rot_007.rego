# METADATA
# title: Secret value written literally in code
# description: |
#   A secret's value (secret_string or secret_binary) is a constant in the infrastructure code,
#   so it sits in source control, in the plan and in state. The input never holds the value and
#   the message never prints it.
# custom:
#   id: NHI-ROT-007
#   severity: critical
#   sources: [synth, plan]
#   remediation: >-
#     Rotate the exposed value now, remove the constant from the code, and let Secrets Manager
#     generate it (rotation or manage_master_user_password) or write it out of band.
#   references:
#     owasp: [NHI2]
#     nistCsf: [PR.AA-01]
#     hipaa: ["164.312(a)(2)(iv)", "164.312(d)"]
package nhi.rules.rot_007

import data.nhi.lib

findings contains lib.finding(secret.id, null, msg) if {
	some secret in lib.secrets
	secret.value.literal == true
	msg := sprintf("secret %s has its value written literally in the infrastructure code, so it is stored in code, plan and state: rotate it and remove the constant", [lib.label(secret)])
}
