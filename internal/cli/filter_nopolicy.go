//go:build !filterpolicy

// Until branch filter-policy is merged this build has no policy engine;
// the lead deletes this file at merge (see filter_policy.go).

package cli

import "errors"

func newPolicyEngine() (policyEngine, error) {
	return nil, errors.New("this build has no policy engine yet (internal/filter/policy is merged from branch filter-policy)")
}
