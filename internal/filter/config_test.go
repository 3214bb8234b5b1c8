package filter

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

const minimalConfig = `
dns:
  upstreams: [9.9.9.9, "[2620:fe::fe]:53"]
block_answer:
  ipv4: 192.0.2.1
`

func TestParseDefaultsAndPolicyPart(t *testing.T) {
	f, problems := Parse([]byte(minimalConfig + "groups:\n  primary: {categories: [gambling]}\nallow: [example.org]\n"))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	c := f.Config
	if !slices.Equal(c.DNS.Listen, []string{":53"}) || c.Cache.MaxSize != 32<<20 || c.DNS.UpstreamTimeout != 2*time.Second || c.BlockPage.Listen != ":80" {
		t.Errorf("defaults not kept: %+v", c)
	}
	if !slices.Equal(c.DNS.Upstreams, []string{"9.9.9.9", "[2620:fe::fe]:53"}) {
		t.Errorf("upstreams %v", c.DNS.Upstreams)
	}
	doc := string(f.PolicyDoc)
	if !strings.Contains(doc, "groups:") || !strings.Contains(doc, "allow:") || strings.Contains(doc, "dns:") || strings.Contains(doc, "block_answer") {
		t.Errorf("the policy part is not what the filter does not own:\n%s", doc)
	}
}

func TestCheckNamesEachProblem(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // the problems' paths
	}{
		{"no upstream", "block_answer: {ipv4: 192.0.2.1}", []string{"dns.upstreams"}},
		{"an upstream by name", "dns: {upstreams: [dns.quad9.net]}\nblock_answer: {ipv4: 192.0.2.1}", []string{"dns.upstreams[0]"}},
		{"a bad second upstream", "dns: {upstreams: [9.9.9.9, '1.2.3.4:0', 'x:53']}\nblock_answer: {ipv4: 192.0.2.1}", []string{"dns.upstreams[1]", "dns.upstreams[2]"}},
		{"no block address", "dns: {upstreams: [9.9.9.9]}", []string{"block_answer.ipv4"}},
		{"nxdomain needs no address", "dns: {upstreams: [9.9.9.9]}\nblock_answer: {mode: nxdomain}", nil},
		{"an IPv6 address as ipv4", "dns: {upstreams: [9.9.9.9]}\nblock_answer: {ipv4: '::1'}", []string{"block_answer.ipv4"}},
		{"an unknown mode", "dns: {upstreams: [9.9.9.9]}\nblock_answer: {mode: redirect, ipv4: 192.0.2.1}", []string{"block_answer.mode"}},
		{"a bad duration", minimalConfig + "cache: {max_ttl: forever}", []string{"cache.max_ttl"}},
		{"a negative duration", "dns: {upstreams: [9.9.9.9], upstream_timeout: -1s}\nblock_answer: {ipv4: 192.0.2.1}", []string{"dns.upstream_timeout"}},
		{"a bad size", minimalConfig + "cache: {max_size: lots}", []string{"cache.max_size"}},
		{"servfail cached too long", minimalConfig + "cache: {servfail_ttl: 10m}", []string{"cache.servfail_ttl"}},
		{"an unknown field in a section", minimalConfig + "cache: {size: 10}", []string{"cache.size"}},
		{"a list where a value goes", minimalConfig + "doh: {listen: [a, b]}", []string{"doh.listen"}},
		{"a value where a list goes", "dns: {upstreams: 9.9.9.9}\nblock_answer: {ipv4: 192.0.2.1}", []string{"dns.upstreams"}},
		{"a bad listen address", "dns: {upstreams: [9.9.9.9], listen: ['localhost:53', ':99999']}\nblock_answer: {ipv4: 192.0.2.1}", []string{"dns.listen[0]", "dns.listen[1]"}},
		{"a cert without a key", minimalConfig + "doh: {listen: ':443', cert_file: c.pem}", []string{"doh.key_file"}},
		{"a bool that is not one", minimalConfig + "query_log: {enabled: maybe}", []string{"query_log.enabled"}},
		{"a number that is not one", "dns: {upstreams: [9.9.9.9], max_inflight: many}\nblock_answer: {ipv4: 192.0.2.1}", []string{"dns.max_inflight"}},
		{"too small a poll", minimalConfig + "reload: {poll_interval: 1ms}", []string{"reload.poll_interval"}},
		{"a section that is not a mapping", minimalConfig + "cache: 5", []string{"cache"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, problems := Parse([]byte(tc.yaml))
			var got []string
			for _, p := range problems {
				got = append(got, p.Path)
				if p.Problem == "" {
					t.Errorf("%s: no words", p.Path)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("problems %v, want paths %v", problems, tc.want)
			}
		})
	}
}

func TestParseRefusesWhatIsNotYAML(t *testing.T) {
	for _, doc := range []string{"dns: [\n", "- a list\n", "dns: {a: 1}\ndns: {b: 2}\n"} {
		if _, problems := Parse([]byte(doc)); len(problems) == 0 {
			t.Errorf("%q parsed", doc)
		}
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "filter.yaml")
	if err := os.WriteFile(path, []byte(minimalConfig+"cache: {max_ttl: nope}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadFile(path)
	if lifeguard.ErrorCode(err) != lifeguard.EINVALID || !strings.Contains(err.Error(), "cache.max_ttl") {
		t.Errorf("err %v, want EINVALID naming cache.max_ttl", err)
	}
	if _, err := LoadFile(filepath.Join(dir, "missing.yaml")); err == nil || lifeguard.ErrorCode(err) == lifeguard.EINVALID {
		t.Errorf("a missing file: %v", err)
	}
	os.WriteFile(path, []byte(minimalConfig), 0o600)
	f, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.BaseDir != dir || f.resolve("lists/a.txt") != filepath.Join(dir, "lists/a.txt") || f.resolve("/abs") != "/abs" {
		t.Errorf("paths are not resolved against the file's directory: %+v", f)
	}
}

func TestParseByteSize(t *testing.T) {
	for in, want := range map[string]ByteSize{"1024": 1024, "32MiB": 32 << 20, "32MB": 32e6, "1 GiB": 1 << 30, "0": 0} {
		if got, err := parseByteSize(in); err != nil || got != want {
			t.Errorf("%q: %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "1TB", "MiB", "1.5MiB"} {
		if _, err := parseByteSize(in); err == nil {
			t.Errorf("%q parsed", in)
		}
	}
}
