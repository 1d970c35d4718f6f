# METADATA
# title: PHI key without rotation or without its own key policy
# description: |
#   A KMS key declared data-class phi does not rotate its key material automatically
#   (enable_key_rotation), or has no key policy of its own: the default policy AWS attaches lets
#   every IAM identity of the account that IAM allows use the key, so the key policy no longer
#   bounds who decrypts PHI. Rotation or policy unknown until apply is not judged. (Catalog ID
#   NHI-ROT-009: added with issue 19, to be entered in the shared catalog.)
# custom:
#   id: NHI-ROT-009
#   severity: high
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Set enable_key_rotation = true on the key and write a key policy that names the roles
#     allowed to use it (kms:Decrypt for the phi identities only) and the administrators.
#   references:
#     owasp: [NHI7, NHI5]
#     nistCsf: [PR.DS-01, PR.AA-05]
#     hipaa: ["164.312(a)(2)(iv)", "164.312(a)(1)"]
package nhi.rules.rot_009

import data.nhi.lib

phi_keys := [d |
	some d in input.inventory.dataStores
	d.kind == "kms"
	d.change != "delete"
	d.dataClass == "phi"
]

problems(key) := [text |
	some field, text in {"keyRotation": "no automatic rotation", "keyPolicy": "no key policy of its own (the account default)"}
	object.get(key, field, null) == false
]

findings contains lib.finding(key.id, null, msg) if {
	some key in phi_keys
	ps := problems(key)
	count(ps) > 0
	msg := sprintf("KMS key %s has data-class phi and %s", [lib.label(key), concat(" and ", sort(ps))])
}
