package nhi.rules_test.rot_008

import data.nhi.rules.rot_008
import data.nhi.test.fixtures as fx

plain(holder, type, name, path, kind) := {
	"id": sprintf("%s#%s:%s", [holder, path, kind]),
	"holderType": type,
	"name": name,
	"path": path,
	"kind": kind,
	"change": "create",
	"origin": {"source": "plan", "address": holder},
}

run(plains) := fs if {
	fs := rot_008.findings with input as fx.input_of("plan", {"plainCredentials": plains})
}

test_access_key_in_lambda_environment_is_reported if {
	p := plain("aws_lambda_function.etl", "aws_lambda_function", "etl", "environment[0].variables.AWS_ACCESS_KEY_ID", "aws-access-key")
	run([p]) == {{"resource": p.id, "identity": null, "message": "aws_lambda_function etl holds an AWS access key id in plain configuration at environment[0].variables.AWS_ACCESS_KEY_ID: rotate it and move it to a secret store"}}
}

test_other_token_formats_and_password_like_names_are_named if {
	a := plain("aws_ecs_task_definition.app", "aws_ecs_task_definition", "app", "container_definitions[0].environment.GITHUB_TOKEN", "github-token")
	b := plain("var.db_password", "variable", "db_password", "default", "password-like")
	{f.message | some f in run([a, b])} == {
		"aws_ecs_task_definition app holds a credential of the form github-token in plain configuration at container_definitions[0].environment.GITHUB_TOKEN: rotate it and move it to a secret store",
		"variable db_password holds a literal value under a password-like name in plain configuration at default: rotate it and move it to a secret store",
	}
}

test_nothing_found_or_deleted_passes if {
	p := object.union(plain("aws_lambda_function.old", "aws_lambda_function", "old", "environment[0].variables.TOKEN", "password-like"), {"change": "delete"})
	count(run([p])) == 0
	count(run([])) == 0
}
