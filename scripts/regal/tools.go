//go:build tools

// The module of this folder pins Regal (the Rego linter) and, in go.sum, everything it is built
// from: scripts/setup.ts --need=regal builds it into .tools/bin/regal with `go build` here.
// (`go install github.com/styrainc/regal@VERSION` needs the module proxy's version list, which the
// proxy this project reaches does not serve; a pinned module needs no list.)
package tools

import _ "github.com/styrainc/regal"
