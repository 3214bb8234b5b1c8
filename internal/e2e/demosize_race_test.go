//go:build race

package e2e

// demoSize is the demo the harness seeds: under the race detector the
// stories alone, since seeding the whole partnership there would take many
// minutes; the board report's tests read the stories' two years.
const demoSize = "stories"
