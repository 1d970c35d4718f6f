# Builders for the opa test cases of every rule. Test-only: never compiled into the bundle.
package nhi.test.fixtures

governed := {
	"owner": "integration-platform",
	"purpose": "lab results exchange",
	"dataClass": "phi",
	"environment": "prod",
	"identityKind": "service",
	"expiry": {"raw": "2027-06-30", "valid": true, "daysLeft": 220},
}

# Shallow merge: a key of over replaces the key of base whole (object.union would merge nested objects).
with_keys(base, over) := {k: v |
	some k in (object.keys(base) | object.keys(over))
	v := pick(base, over, k)
}

pick(_, over, k) := over[k] if k in object.keys(over)

pick(base, over, k) := base[k] if not k in object.keys(over)

role(name, overrides) := with_keys(
	{
		"id": sprintf("role:%s", [name]),
		"kind": "role",
		"name": name,
		"tags": {},
		"governance": governed,
		"policies": [],
		"groups": [],
		"change": "create",
		"origin": {"source": "synth", "address": sprintf("aws_iam_role.%s", [name])},
	},
	overrides,
)

policy(name, statements, overrides) := with_keys(
	{
		"id": sprintf("policy:%s", [name]),
		"name": name,
		"type": "inline",
		"document": {"known": true, "document": {"statements": statements}},
		"change": "create",
		"origin": {"source": "synth"},
	},
	overrides,
)

allow(actions, resources) := {"effect": "Allow", "actions": actions, "resources": resources, "conditions": []}

deny(actions, resources) := {"effect": "Deny", "actions": actions, "resources": resources, "conditions": []}

# An Allow with NotAction on resources, with the enrichment facts of its complement (grants).
allow_not(not_actions, resources, grants) := {"effect": "Allow", "notActions": not_actions, "resources": resources, "conditions": [], "notActionGrants": grants}

# An Allow of actions on every resource but not_resources, with the enrichment facts.
allow_not_resource(actions, not_resources, expanded, excludes) := {"effect": "Allow", "actions": actions, "notResources": not_resources, "conditions": [], "expandedActions": expanded, "notResourceExcludes": excludes}

# A service NotAction leaves whole, with its write/read counts.
whole(service) := {"service": service, "all": true, "resourceLevels": {"Read": 3, "Write": 4, "Permissions management, Write": 1, "Tagging, Write": 2}}

secret(name, overrides) := with_keys(
	{
		"id": sprintf("secret:%s", [name]),
		"kind": "secret",
		"name": name,
		"tags": {},
		"governance": governed,
		"rotation": {"enabled": true, "intervalDays": 30},
		"change": "create",
		"origin": {"source": "synth"},
	},
	overrides,
)

inventory(parts) := with_keys(
	{"identities": [], "groups": [], "policies": [], "credentials": [], "dataStores": [], "unknowns": []},
	parts,
)

input_of(source, parts) := {"source": source, "now": "2026-11-22T00:00:00Z", "inventory": inventory(parts)}

test_service_linked_roles_are_not_judged if {
	slr := role("AWSServiceRoleForSupport", {"path": "/aws-service-role/support.amazonaws.com/", "tags": {}})
	app := role("app", {"path": "/"})
	ids := {i.name | some i in data.nhi.lib.identities} with input as input_of("live", {"identities": [slr, app]})
	ids == {"app"}
}
