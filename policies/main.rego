# METADATA
# title: nhi-guard aggregator
# description: |
#   The one entrypoint compiled to WebAssembly. Collects the findings of every rule package under
#   data.nhi.rules whose metadata (data.nhi.meta, extracted from the METADATA annotations at build
#   time) says it applies to this input's source. Adding a rule file registers the rule.
package nhi.main

# METADATA
# description: The findings of every rule package that applies to input.source.
# entrypoint: true
findings contains f if {
	some pkg, meta in data.nhi.meta
	input.source in meta.sources
	some raw in data.nhi.rules[pkg].findings
	f := object.union(raw, {"ruleId": meta.id, "severity": meta.severity})
}
