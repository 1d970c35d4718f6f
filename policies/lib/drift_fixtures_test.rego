# Builders for the drift rules' opa tests: a declared element (terraform address id) and its live
# counterpart (live collector id), and the drift input with its matches.
package nhi.test.drift

import data.nhi.test.fixtures as fx

declared_role(name, over) := fx.with_keys(
	fx.role(name, {"id": sprintf("aws_iam_role.%s", [name]), "origin": {"source": "state", "address": sprintf("aws_iam_role.%s", [name])}}),
	over,
)

live_role(name, over) := fx.with_keys(
	fx.role(name, {"id": sprintf("iam-role:%s", [name]), "change": "existing", "path": "/", "origin": {"source": "live"}}),
	over,
)

declared_secret(name, over) := fx.with_keys(
	fx.secret(name, {"id": sprintf("aws_secretsmanager_secret.%s", [name]), "origin": {"source": "state"}}),
	over,
)

live_secret(name, over) := fx.with_keys(
	fx.secret(name, {"id": sprintf("secret:%s", [name]), "change": "existing", "origin": {"source": "live"}}),
	over,
)

input_of(declared, live, matches) := {
	"source": "drift",
	"now": "2026-11-22T00:00:00Z",
	"declared": fx.inventory(declared),
	"live": fx.inventory(live),
	"matches": fx.with_keys({"identities": [], "credentials": [], "policies": [], "groups": [], "unnamed": []}, matches),
}

pair(d, l) := {"declared": d, "live": l}
