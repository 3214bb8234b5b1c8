// Package quickexit is the "Leave this page quickly" control that the help
// page and the filter's block page carry, for children and people at risk
// who may need to hide what they were reading: the neutral address it
// leaves for, and the small script that leaves without keeping the page
// in the browser's history.
package quickexit

import _ "embed"

// URL is where the control leaves for: BBC Weather. A weather page is
// what anyone might be looking at, child or adult, says nothing about the
// person, shows no search history (a search engine's home page may), and
// a school's filter does not block it, so the control still works on the
// network whose filter showed the block page.
const URL = "https://www.bbc.co.uk/weather"

//go:embed quick-exit.js
var script []byte

// Script returns the control's script, served as a file of its own: the
// pages' content security policy allows no inline script.
func Script() []byte { return script }
