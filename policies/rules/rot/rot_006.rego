# METADATA
# title: PHI secret without a customer-managed KMS key
# description: |
#   A secret with data-class phi is encrypted with the AWS managed key (no kms_key_id, or an
#   alias/aws/... key) instead of a customer-managed KMS key. When the key cannot be told apart
#   before apply (customerManaged null) the rule does not decide.
# custom:
#   id: NHI-ROT-006
#   severity: medium
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Set kms_key_id to a customer-managed KMS key whose key policy limits decryption to the
#     secret's consumers, with key rotation enabled.
#   references:
#     owasp: [NHI2, NHI6]
#     nistCsf: [PR.AA-05]
#     hipaa: ["164.312(a)(2)(iv)"]
package nhi.rules.rot_006

import data.nhi.lib

findings contains lib.finding(secret.id, null, msg) if {
	some secret in lib.secrets
	secret.governance.dataClass == "phi"
	not customer_managed_or_unknown(secret)
	msg := sprintf("secret %s has data-class phi but is encrypted with the AWS managed key%s, not a customer-managed KMS key", [lib.label(secret), key_note(secret)])
}

customer_managed_or_unknown(secret) if secret.kms.customerManaged == true

customer_managed_or_unknown(secret) if secret.kms.customerManaged == null

key_note(secret) := sprintf(" (%s)", [secret.kms.keyId]) if is_string(secret.kms.keyId)

key_note(secret) := "" if not is_string(object.get(object.get(secret, "kms", {}), "keyId", null))
