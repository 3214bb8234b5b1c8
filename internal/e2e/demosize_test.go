//go:build !race

package e2e

// demoSize is the demo the harness seeds: the whole partnership, as
// serve --demo seeds it, so that the board report is read at its real size.
const demoSize = "full"
