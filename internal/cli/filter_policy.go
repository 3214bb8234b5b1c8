// This file is the glue between the filter command and the policy engine
// (internal/filter/policy).

package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/filter"
	"github.com/lifeguard-scp/lifeguard/internal/filter/policy"
)

// engine builds policies with internal/filter/policy.
type engine struct{}

func newPolicyEngine() (policyEngine, error) { return engine{}, nil }

// decode reads the policy part of a configuration (YAML, or the server's
// JSON), refusing fields the policy does not know.
func (engine) decode(doc []byte) (policy.Config, []lifeguard.Problem) {
	var cfg policy.Config
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return cfg, []lifeguard.Problem{{Problem: "the policy part: " + err.Error()}}
	}
	return cfg, nil
}

func (g engine) Check(doc []byte) []lifeguard.Problem {
	cfg, ps := g.decode(doc)
	if ps != nil {
		return ps
	}
	return cfg.Check()
}

func (g engine) Build(ctx context.Context, doc []byte, baseDir string) (filter.BuiltPolicy, error) {
	cfg, ps := g.decode(doc)
	if ps != nil {
		return filter.BuiltPolicy{}, lifeguard.Invalid("invalid filter policy", ps)
	}
	p, skipped, err := policy.Build(ctx, cfg, baseDir)
	if err != nil {
		return filter.BuiltPolicy{}, err
	}
	b := filter.BuiltPolicy{Decider: p}
	for _, lf := range cfg.Categories {
		b.Files = append(b.Files, lf.Lists...)
	}
	for _, lf := range cfg.AllowLists {
		b.Files = append(b.Files, lf.Lists...)
	}
	slices.Sort(b.Files)
	b.Files = slices.Compact(b.Files)
	for _, s := range skipped {
		b.Skipped = append(b.Skipped, s.String())
	}
	return b, nil
}
