# METADATA
# title: Access key too old
# description: An active IAM access key is older than the maximum key age (policy data accessKeyMaxAgeDays, 90 days).
# custom:
#   id: NHI-ROT-005
#   severity: high
#   sources: [live]
#   remediation: >-
#     Rotate the key: create a new one, move the client to it, deactivate and then delete the old
#     one. Better, replace the user and its key with a role (see NHI-ROT-003).
#   references:
#     owasp: [NHI7, NHI2]
#     nistCsf: [PR.AA-01]
#     hipaa: ["164.312(d)"]
package nhi.rules.rot_005

import data.nhi.lib

findings contains lib.finding(key.id, user_of(key), msg) if {
	some key in input.inventory.credentials
	key.kind == "access-key"
	key.change != "delete"
	object.get(key, "status", "Active") == "Active"
	age := key.ageDays
	is_number(age)
	age > lib.config.accessKeyMaxAgeDays
	msg := sprintf("access key %s is %d days old, more than the %d-day maximum", [lib.label(key), age, lib.config.accessKeyMaxAgeDays])
}

user_of(key) := key.identity if is_string(object.get(key, "identity", null))

user_of(key) := null if not is_string(object.get(key, "identity", null))
