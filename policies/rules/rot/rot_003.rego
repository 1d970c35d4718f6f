# METADATA
# title: Long-lived IAM user access key
# description: |
#   An IAM access key is declared or exists for a user: a long-lived credential, where a role
#   (temporary credentials) would do. Inactive keys are reported too, since they can be
#   reactivated. Users tagged identity-kind human-role are not non-human identities and are skipped.
# custom:
#   id: NHI-ROT-003
#   severity: high
#   sources: [synth, plan, state, live]
#   remediation: >-
#     Replace the user and its key with a role assumed by the workload (instance profile, IRSA,
#     OIDC federation or IAM Roles Anywhere), then delete the key.
#   references:
#     owasp: [NHI7, NHI2]
#     nistCsf: [PR.AA-01, PR.AA-03]
#     hipaa: ["164.312(d)"]
package nhi.rules.rot_003

import data.nhi.lib
import data.nhi.lib.iam

findings contains lib.finding(key.id, owner_id(key), msg) if {
	some key in input.inventory.credentials
	key.kind == "access-key"
	key.change != "delete"
	not human(key)
	msg := sprintf("access key %s of user %s is a long-lived credential%s (%s)", [key_label(key), user_label(key), status(key), lib.presence])
}

user(key) := iam.identity_by_id(key.identity)

owner_id(key) := key.identity if is_string(key.identity)

owner_id(key) := null if not is_string(object.get(key, "identity", null))

human(key) if user(key).governance.identityKind == "human-role"

user_label(key) := lib.label(user(key))

user_label(key) := "(unknown)" if {
	not user(key)
	not is_string(object.get(key, "identity", null))
}

user_label(key) := key.identity if {
	not user(key)
	is_string(key.identity)
}

# The key id (name) is not a secret, but the id alone can be unknown: fall back to the inventory id.
key_label(key) := key.name if is_string(key.name)

key_label(key) := key.id if not is_string(object.get(key, "name", null))

status(key) := sprintf(", status %s", [key.status]) if is_string(key.status)

status(key) := "" if not is_string(object.get(key, "status", null))
