# METADATA
# title: Dormant identity
# description: |
#   A live role or user has not been used for longer than the dormant threshold (policy data
#   dormantDays, 90), or was never used since it was created longer ago than that; or an active
#   access key older than neverUsedKeyDays (policy data, 7) was never used, or not for longer
#   than the dormant threshold (a key created this week has not had its first use yet, and a key
#   of unknown age is not judged as never used). Day counts are computed from
#   the fixed `now` when the live state is read. Exempt paths (driftExemptPaths) are skipped.
# custom:
#   id: NHI-DRIFT-005
#   severity: medium
#   sources: [drift, live]
#   remediation: >-
#     Ask the owner whether the identity is still needed; if not, offboard it (remove the
#     declaration, delete keys). Deactivate access keys that are never used, then delete them.
#   references:
#     owasp: [NHI1, NHI7]
#     nistCsf: [ID.AM-08, DE.CM-09]
#     hipaa: ["164.308(a)(3)(ii)(C)", "164.308(a)(4)"]
package nhi.rules.drift_005

import data.nhi.lib
import data.nhi.lib.drift

findings contains lib.finding(i.id, i.id, msg) if {
	some i in drift.live_inventory.identities
	not drift.exempt(i)
	days := i.usage.daysSinceUsed
	is_number(days)
	days > lib.config.dormantDays
	msg := sprintf("%s %s was last used %d days ago (dormant after %d days)", [i.kind, lib.label(i), days, lib.config.dormantDays])
}

findings contains lib.finding(i.id, i.id, msg) if {
	some i in drift.live_inventory.identities
	not drift.exempt(i)
	i.usage.lastUsed == null
	age := i.usage.ageDays
	is_number(age)
	age > lib.config.dormantDays
	msg := sprintf("%s %s was never used in the %d days since it was created (dormant after %d days)", [i.kind, lib.label(i), age, lib.config.dormantDays])
}

findings contains lib.finding(k.id, user_of(k), msg) if {
	some k in active_keys
	k.lastUsed == null
	age := k.ageDays
	is_number(age)
	age > lib.config.neverUsedKeyDays
	msg := sprintf("access key %s of %s is active and was never used in the %d days since it was created", [lib.label(k), user_label(k), age])
}

findings contains lib.finding(k.id, user_of(k), msg) if {
	some k in active_keys
	days := k.daysSinceUsed
	is_number(days)
	days > lib.config.dormantDays
	msg := sprintf("access key %s of %s was last used %d days ago (dormant after %d days)", [lib.label(k), user_label(k), days, lib.config.dormantDays])
}

active_keys := [k |
	some k in drift.live_inventory.credentials
	k.kind == "access-key"
	object.get(k, "status", "Active") == "Active"
]

user_of(k) := k.identity if is_string(object.get(k, "identity", null))

user_of(k) := null if not is_string(object.get(k, "identity", null))

user_label(k) := sprintf("user %s", [u.name]) if {
	u := live_identity[k.identity]
	is_string(u.name)
} else := "an unknown user"

live_identity := {i.id: i | some i in drift.live_inventory.identities}
