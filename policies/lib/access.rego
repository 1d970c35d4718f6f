# METADATA
# title: Access-map helpers shared by NHI-LP-010 and NHI-LP-011
# description: |
#   The facts are computed in TypeScript (checks/access/facts.ts): inventory.access holds the
#   stores of data-class phi and pii, each with how many principals reach it (reachCount),
#   whether anyone does (reachedByAnyone), the first of them by label (shown) and those with a
#   live usage record (reachedByUsed), both indexing principalIds; the principals outside the
#   Inventory named by trust or resource policies; and the indirect reaches of phi stores
#   (through a role chain or a resource policy) with their paths. The whole list of who reaches
#   each store is not in the input (it grows with identities x stores). A drift input is judged
#   on its live side.
package nhi.lib.access

import data.nhi.lib

inventory := input.live if input.source == "drift"

inventory := input.inventory if input.source != "drift"

facts := object.get(inventory, "access", {"stores": [], "principalIds": [], "principals": [], "indirect": []})

identity_by_id := {i.id: i | some i in inventory.identities}

principal_by_id := {p.id: p | some p in facts.principals}

store_by_id := {s.id: s | some s in facts.stores}

phi_stores := [s | some s in facts.stores; s.dataClass == "phi"]

# The principals a message names for a store (the first by label), and those that can be dormant.
shown_of(store) := [facts.principalIds[i] | some i in store.shown]

used_of(store) := [facts.principalIds[i] | some i in store.reachedByUsed]

# "role analytics", "role arn:aws:iam::444455556666:role/x (outside this input)", "every principal of account 444455556666", "anyone".
label(pid) := concat(" ", [i.kind, lib.label(i)]) if {
	i := identity_by_id[pid]
	is_string(i.kind)
}

label(pid) := sprintf("%s %s", [i.kind, lib.label(i)]) if {
	i := identity_by_id[pid]
	not is_string(i.kind)
}

label(pid) := sprintf("%s (outside this input)", [pid]) if principal_by_id[pid].kind == "external"

# A Principal entry no input resolves (id "unresolved:" and the entry as written): "principal ${data.aws_iam_role.x.arn} (not resolved in this input)".
label(pid) := sprintf("principal %s (not resolved in this input)", [trim_prefix(pid, "unresolved:")]) if principal_by_id[pid].kind == "unresolved"

label(pid) := sprintf("every principal of account %s", [principal_by_id[pid].account]) if principal_by_id[pid].kind == "account"

label(pid) := "anyone" if principal_by_id[pid].kind == "any"

label(pid) := pid if {
	not identity_by_id[pid]
	not principal_by_id[pid]
}

# The label of every principal the stores name, computed once per evaluation (a function is
# evaluated on every call).
labels := {pid: label(pid) | some pid in facts.principalIds}

store_label(sid) := sprintf("%s %s", [s.kind, lib.label(s)]) if s := store_by_id[sid]

store_label(sid) := sid if not store_by_id[sid]

# Dormant (live): unused for longer than dormantDays, or never used since it was created that long ago.
dormant_days(pid) := d if {
	d := identity_by_id[pid].usage.daysSinceUsed
	is_number(d)
	d > lib.config.dormantDays
}

never_used(pid) if {
	i := identity_by_id[pid]
	i.usage.lastUsed == null
	is_number(i.usage.ageDays)
	i.usage.ageDays > lib.config.dormantDays
}

dormant(pid) if dormant_days(pid)

dormant(pid) if never_used(pid)

# The dormant principals among those with a usage record that reach a store, once per evaluation (NHI-LP-011 asks per store).
dormant_ids := {pid | some pid in facts.principalIds; dormant(pid)}

dormant_note(pid) := sprintf(" (dormant: last used %d days ago)", [dormant_days(pid)]) if dormant_days(pid)

dormant_note(pid) := sprintf(" (dormant: never used in %d days)", [identity_by_id[pid].usage.ageDays]) if never_used(pid)

dormant_note(pid) := "" if not dormant(pid)

# "read and write" from the levels held.
levels_text(r) := concat(" and ", r.levels)

# How an indirect reach gets there, for messages.
route(r) := sprintf("through the role chain %s", [concat(" -> ", array.concat([label(r.principal)], [label(x) | some x in r.chain]))]) if r.via == "role-chain"

route(r) := sprintf("through the resource policy of %s (statement %d)", [store_label(r.store), r.path[0].resourceStatement]) if r.via == "resource-policy"
