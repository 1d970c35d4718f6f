package nhi.rules_test.tr_007

import data.nhi.rules.tr_007
import data.nhi.test.fixtures as fx

vm(kind, name, profile, tokens) := object.union(
	{"id": sprintf("%s:%s", [kind, name]), "kind": kind, "name": name, "instanceProfile": profile, "change": "create", "origin": {"source": "plan"}},
	tokens_of(tokens),
)

tokens_of(null) := {}

tokens_of(t) := {"httpTokens": t} if t != null

run(compute) := fs if {
	fs := tr_007.findings with input as fx.input_of("plan", {"compute": compute})
}

test_instance_with_profile_and_no_tokens_setting_is_reported if {
	run([vm("instance", "etl", true, null)]) == {{"resource": "instance:etl", "identity": null, "message": "instance etl carries an instance profile with no http_tokens setting: its role credentials are served by IMDSv1 without a session token"}}
}

test_optional_tokens_on_launch_template_and_its_group_are_reported if {
	template := vm("launch-template", "web", true, "optional")
	asg := object.union(vm("autoscaling-group", "web", false, null), {"launchTemplates": [template.id]})
	{f.resource | some f in run([template, asg])} == {"launch-template:web", "autoscaling-group:web"}
}

test_required_tokens_or_no_profile_pass if {
	template := vm("launch-template", "web", true, "required")
	asg := object.union(vm("autoscaling-group", "web", false, null), {"launchTemplates": [template.id]})
	count(run([template, asg, vm("instance", "bastion", false, "optional"), vm("instance", "etl", true, "required")])) == 0
}

test_metadata_service_turned_off_passes_but_enabled_does_not if {
	off := object.union(vm("instance", "etl", true, "optional"), {"httpEndpoint": "disabled"})
	tmpl := object.union(vm("launch-template", "web", true, null), {"httpEndpoint": "disabled"})
	asg := object.union(vm("autoscaling-group", "web", false, null), {"launchTemplates": [tmpl.id]})
	count(run([off, tmpl, asg])) == 0
	on := object.union(vm("instance", "etl", true, "optional"), {"httpEndpoint": "enabled"})
	count(run([on])) == 1
}
