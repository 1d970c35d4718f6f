package nhi.rules_test.lp_011

import data.nhi.rules.lp_011
import data.nhi.test.fixtures as fx

names := ["a", "b", "c", "d", "e", "f"]

roles := [fx.role(n, {}) | some n in names]

ids := [sprintf("role:%s", [n]) | some n in names]

# A store reached by the principals at indexes `reached` of the test's principalIds (index 6 is
# "*" where a test adds it); as checks/access/facts.ts writes it, the first eight are shown and
# every one may carry a usage record.
store(reached, tags) := object.union(
	{
		"id": "s3:records", "kind": "s3", "name": "records", "dataClass": "phi",
		"reachCount": count(reached), "reachedByAnyone": 6 in reached,
		"shown": array.slice(reached, 0, 8), "reachedByUsed": reached,
	},
	tags,
)

run(stores, principal_ids, principals, identities) := fs if {
	fs := lp_011.findings with input as fx.input_of("plan", {
		"identities": identities,
		"access": {"stores": stores, "principalIds": principal_ids, "principals": principals, "indirect": []},
	})
}

test_six_principals_exceed_the_default_of_five if {
	fs := run([store([0, 1, 2, 3, 4, 5], {})], ids, [], roles)
	fs == {{
		"resource": "s3:records", "identity": null,
		"message": "s3 records (data-class phi) is reachable by 6 principals, more than the default (5): role a, role b, role c, role d, role e, role f",
	}}
}

test_five_principals_are_within_the_default if {
	count(run([store([0, 1, 2, 3, 4], {})], ids, [], roles)) == 0
}

test_the_max_reach_tag_raises_the_limit if {
	count(run([store([0, 1, 2, 3, 4, 5], {"maxReach": "6"})], ids, [], roles)) == 0
}

test_the_max_reach_tag_lowers_the_limit if {
	fs := run([store([0, 1], {"maxReach": "1"})], ids, [], roles)
	some f in fs
	contains(f.message, "by 2 principals, more than its max-reach tag (1)")
}

test_a_tag_that_is_not_a_number_falls_back_to_the_default if {
	count(run([store([0, 1, 2, 3, 4], {"maxReach": "many"})], ids, [], roles)) == 0
}

test_policy_data_sets_the_default if {
	fs := lp_011.findings with input as fx.input_of("plan", {"identities": roles, "access": {"stores": [store([0, 1, 2], {})], "principalIds": ids, "principals": [], "indirect": []}})
		with data.nhi.config.phiMaxReach as 2
	count(fs) == 1
}

test_anyone_always_exceeds if {
	fs := run([store([0, 6], {})], array.concat(ids, ["*"]), [{"id": "*", "kind": "any", "ownAccount": false}], roles)
	some f in fs
	contains(f.message, "reachable by anyone (a resource policy admits every principal), 2 principals in all")
}

test_pii_store_is_not_judged if {
	count(run([object.union(store([0, 1, 2, 3, 4, 5], {}), {"dataClass": "pii"})], ids, [], roles)) == 0
}

test_dormant_identities_are_named if {
	sleepy := fx.role("f", {"usage": {"lastUsed": null, "ageDays": 400}})
	fs := run([store([0, 1, 2, 3, 4, 5], {})], ids, [], array.concat(array.slice(roles, 0, 5), [sleepy]))
	some f in fs
	endswith(f.message, "; dormant but still reaching it: role f (dormant: never used in 400 days)")
}

# The facts carry the count, not the list: the message names the shown principals and counts the rest.
test_the_count_beyond_the_shown_principals_is_reported if {
	s := object.union(store([0, 1, 2], {}), {"reachCount": 4000})
	fs := run([s], ids, [], roles)
	fs == {{
		"resource": "s3:records", "identity": null,
		"message": "s3 records (data-class phi) is reachable by 4000 principals, more than the default (5): role a, role b, role c and 3997 more",
	}}
}

test_shown_principals_within_the_count_limit_are_compliant if {
	s := object.union(store([0, 1, 2, 3, 4, 5], {}), {"reachCount": 5})
	count(run([s], ids, [], roles)) == 0
}
