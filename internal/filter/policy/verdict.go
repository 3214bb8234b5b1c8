// Package policy decides what the filter does with each name.
//
// This file holds only the declarations agreed in the filter's contract
// (Action, Query, Verdict), so that the DNS side compiles before the policy
// engine lands; the policy engine's own file replaces it at merge.
package policy

import (
	"net/netip"
	"time"
)

// Action is what the DNS side does with a query.
type Action uint8

const (
	Allow   Action = iota // forward upstream
	Block                 // answer with the block page address, or NXDOMAIN if configured
	Rewrite               // answer with a CNAME to Target (safe search), then resolve Target upstream
)

// Query is one question as the DNS side sees it.
type Query struct {
	Client  netip.Addr // source address (UDP/TCP), or the DoH client's address
	DoHPath string     // the per-device DoH path segment, "" for plain DNS
	Name    string     // lower case, no trailing dot, already validated
	Time    time.Time
}

// Verdict is the policy's answer for one query.
type Verdict struct {
	Action   Action
	Group    string // the client's group ("" if the client is in none: default group)
	Category string // the category that blocked it ("" when allowed); stable codes below
	Target   string // for Rewrite: the CNAME target, lower case, no trailing dot
	Alert    bool   // illegal, self_harm or extremism: the attempt must raise an alert
}
