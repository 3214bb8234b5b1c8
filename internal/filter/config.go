package filter

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/lifeguard-scp/lifeguard"
)

// Config is the DNS side of the filter's configuration file. The policy's
// keys (categories, lists, groups, clients, safe search, schedules, allow,
// block) sit beside these at the top level of the same file; the filter
// hands them to the policy engine untouched. docs/filter.md documents every
// field with its default, which Default sets.
type Config struct {
	DNS         DNSConfig         `yaml:"dns"`
	Cache       CacheConfig       `yaml:"cache"`
	BlockAnswer BlockAnswerConfig `yaml:"block_answer"`
	BlockPage   BlockPageConfig   `yaml:"block_page"`
	DoH         DoHConfig         `yaml:"doh"`
	Records     RecordsConfig     `yaml:"records"`
	QueryLog    QueryLogConfig    `yaml:"query_log"`
	Reload      ReloadConfig      `yaml:"reload"`
}

// DNSConfig is where the filter answers and whom it asks.
type DNSConfig struct {
	Listen            []string      `yaml:"listen"`    // UDP and TCP on each address
	Upstreams         []string      `yaml:"upstreams"` // IP[:port], tried in order
	UpstreamTimeout   time.Duration `yaml:"upstream_timeout"`
	TCPIdleTimeout    time.Duration `yaml:"tcp_idle_timeout"`
	MaxTCPConnections int           `yaml:"max_tcp_connections"`
	MaxInflight       int           `yaml:"max_inflight"` // queries waiting for an upstream at once
}

// CacheConfig bounds the answer cache.
type CacheConfig struct {
	MaxSize        ByteSize      `yaml:"max_size"`
	MinTTL         time.Duration `yaml:"min_ttl"`
	MaxTTL         time.Duration `yaml:"max_ttl"`
	NegativeMaxTTL time.Duration `yaml:"negative_max_ttl"`
	ServfailTTL    time.Duration `yaml:"servfail_ttl"`
}

// BlockAnswerConfig is how a blocked name is answered.
type BlockAnswerConfig struct {
	Mode string        `yaml:"mode"` // address or nxdomain
	IPv4 string        `yaml:"ipv4"` // the block page's address
	IPv6 string        `yaml:"ipv6"`
	TTL  time.Duration `yaml:"ttl"`
}

// BlockPageConfig is the block page's own HTTP server.
type BlockPageConfig struct {
	Listen string `yaml:"listen"` // "" turns it off
}

// DoHConfig is DNS over HTTPS (RFC 8484).
type DoHConfig struct {
	Listen   string `yaml:"listen"` // "" turns it off
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
}

// RecordsConfig is where a standalone filter keeps blocked attempts, and the
// review requests and worries sent from the block page; and where an
// attached filter keeps what waits for the server.
type RecordsConfig struct {
	File        string        `yaml:"file"`
	Retention   time.Duration `yaml:"retention"`
	ReportsFile string        `yaml:"reports_file"`
	SpoolDir    string        `yaml:"spool_dir"`
}

// QueryLogConfig is the optional log of allowed queries.
type QueryLogConfig struct {
	Enabled   bool          `yaml:"enabled"`
	File      string        `yaml:"file"`
	Retention time.Duration `yaml:"retention"`
}

// ReloadConfig is how often the filter looks for a changed policy.
type ReloadConfig struct {
	PollInterval   time.Duration `yaml:"poll_interval"`   // files; 0 turns polling off; SIGHUP still reloads
	ServerInterval time.Duration `yaml:"server_interval"` // the server's policy, when attached
}

// ByteSize is a size in bytes, written as 33554432, "32MiB" or "32MB".
type ByteSize int64

// Default returns the configuration with every default set.
func Default() Config {
	return Config{
		DNS: DNSConfig{
			Listen:            []string{":53"},
			UpstreamTimeout:   2 * time.Second,
			TCPIdleTimeout:    10 * time.Second,
			MaxTCPConnections: 1000,
			MaxInflight:       4096,
		},
		Cache: CacheConfig{
			MaxSize:        32 << 20,
			MaxTTL:         24 * time.Hour,
			NegativeMaxTTL: time.Hour,
			ServfailTTL:    time.Second,
		},
		BlockAnswer: BlockAnswerConfig{Mode: "address", TTL: time.Minute},
		BlockPage:   BlockPageConfig{Listen: ":80"},
		Records: RecordsConfig{
			File:        "blocked.jsonl",
			Retention:   90 * 24 * time.Hour,
			ReportsFile: "reports.jsonl",
			SpoolDir:    "spool",
		},
		QueryLog: QueryLogConfig{File: "queries.jsonl", Retention: 7 * 24 * time.Hour},
		Reload:   ReloadConfig{PollInterval: 5 * time.Second, ServerInterval: 30 * time.Second},
	}
}

// File is a loaded configuration file: the filter's part decoded, the
// policy's part kept as a YAML document for the policy engine.
type File struct {
	Path      string
	BaseDir   string // relative paths in the file are relative to it
	Config    Config
	PolicyDoc []byte
}

// maxConfigSize bounds what LoadFile reads; list files are separate.
const maxConfigSize = 4 << 20

// LoadFile reads and checks a configuration file. A file that cannot be
// parsed, or whose filter part breaks a rule, gives an EINVALID error that
// lists every problem with its field path.
func LoadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the filter configuration: %w", err)
	}
	if len(data) > maxConfigSize {
		return nil, lifeguard.Invalid("invalid filter configuration", []lifeguard.Problem{{Problem: fmt.Sprintf("the file is larger than %d bytes", maxConfigSize)}})
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	f, problems := Parse(data)
	if len(problems) > 0 {
		return nil, lifeguard.Invalid("invalid filter configuration", problems)
	}
	f.Path, f.BaseDir = abs, filepath.Dir(abs)
	return f, nil
}

// Parse decodes a configuration over the defaults and checks it. It returns
// every problem found, each naming its field.
func Parse(data []byte) (*File, []lifeguard.Problem) {
	f := &File{Config: Default()}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, []lifeguard.Problem{{Problem: "not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}}
	}
	policy := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	var problems []lifeguard.Problem
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		doc := root.Content[0]
		if doc.Kind != yaml.MappingNode {
			return nil, []lifeguard.Problem{{Problem: "the file must be a mapping of sections (dns, cache, groups …)"}}
		}
		own := fieldsByTag(reflect.TypeFor[Config]())
		cv := reflect.ValueOf(&f.Config).Elem()
		for i := 0; i+1 < len(doc.Content); i += 2 {
			k, v := doc.Content[i], doc.Content[i+1]
			if idx, ok := own[k.Value]; ok {
				problems = decodeNode(v, cv.Field(idx), k.Value, problems)
				continue
			}
			policy.Content = append(policy.Content, k, v)
		}
	}
	out, err := yaml.Marshal(policy)
	if err != nil {
		return nil, []lifeguard.Problem{{Problem: "re-encoding the policy part: " + err.Error()}}
	}
	f.PolicyDoc = out
	if len(problems) == 0 {
		problems = f.Config.Check()
	}
	return f, problems
}

func fieldsByTag(t reflect.Type) map[string]int {
	m := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		m[tag] = i
	}
	return m
}

var (
	durationType = reflect.TypeFor[time.Duration]()
	byteSizeType = reflect.TypeFor[ByteSize]()
)

// decodeNode decodes n into v, naming each problem by its path. A null
// value keeps the default.
func decodeNode(n *yaml.Node, v reflect.Value, path string, problems []lifeguard.Problem) []lifeguard.Problem {
	bad := func(format string, args ...any) []lifeguard.Problem {
		return append(problems, lifeguard.Problem{Path: path, Problem: fmt.Sprintf(format, args...)})
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return problems
	}
	if n.Kind == yaml.AliasNode {
		return bad("aliases are not allowed here")
	}
	switch {
	case v.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return bad("must be a mapping of fields")
		}
		fields := fieldsByTag(v.Type())
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			idx, ok := fields[k]
			if !ok {
				problems = append(problems, lifeguard.Problem{Path: path + "." + k, Problem: "unknown field"})
				continue
			}
			problems = decodeNode(n.Content[i+1], v.Field(idx), path+"."+k, problems)
		}
		return problems
	case v.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return bad("must be a list")
		}
		out := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			problems = decodeNode(c, out.Index(i), fmt.Sprintf("%s[%d]", path, i), problems)
		}
		v.Set(out)
		return problems
	}
	if n.Kind != yaml.ScalarNode {
		return bad("must be a single value")
	}
	s := n.Value
	switch {
	case v.Type() == durationType:
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			return bad("%q is not a duration such as 30s, 5m or 24h", s)
		}
		v.SetInt(int64(d))
	case v.Type() == byteSizeType:
		b, err := parseByteSize(s)
		if err != nil {
			return bad("%v", err)
		}
		v.SetInt(int64(b))
	case v.Kind() == reflect.String:
		v.SetString(s)
	case v.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil || n.Tag != "!!bool" {
			return bad("%q is not true or false", s)
		}
		v.SetBool(b)
	case v.Kind() == reflect.Int:
		i, err := strconv.Atoi(s)
		if err != nil {
			return bad("%q is not a whole number", s)
		}
		v.SetInt(int64(i))
	default:
		return bad("unsupported field type %s", v.Type())
	}
	return problems
}

func parseByteSize(s string) (ByteSize, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	num, mult := strings.TrimSpace(s), int64(1)
	for _, u := range units {
		if strings.HasSuffix(num, u.suffix) {
			num, mult = strings.TrimSpace(strings.TrimSuffix(num, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > (1<<40)/mult {
		return 0, fmt.Errorf("%q is not a size such as 33554432, 32MiB or 32MB", s)
	}
	return ByteSize(n * mult), nil
}

// Check returns the problems with a decoded configuration, each naming its
// field.
func (c Config) Check() []lifeguard.Problem {
	var ps []lifeguard.Problem
	add := func(path, format string, args ...any) {
		ps = append(ps, lifeguard.Problem{Path: path, Problem: fmt.Sprintf(format, args...)})
	}
	if len(c.DNS.Listen) == 0 && c.DoH.Listen == "" {
		add("dns.listen", "give at least one address, or doh.listen, or the filter answers nobody")
	}
	for i, l := range c.DNS.Listen {
		if _, err := parseListen(l); err != nil {
			add(fmt.Sprintf("dns.listen[%d]", i), "%v", err)
		}
	}
	if len(c.DNS.Upstreams) == 0 {
		add("dns.upstreams", "give at least one upstream resolver, such as 9.9.9.9")
	}
	for i, u := range c.DNS.Upstreams {
		if _, err := ParseUpstream(u); err != nil {
			add(fmt.Sprintf("dns.upstreams[%d]", i), "%v", err)
		}
	}
	positive := func(path string, d time.Duration) {
		if d <= 0 {
			add(path, "must be more than zero")
		}
	}
	positive("dns.upstream_timeout", c.DNS.UpstreamTimeout)
	positive("dns.tcp_idle_timeout", c.DNS.TCPIdleTimeout)
	if c.DNS.MaxTCPConnections < 1 {
		add("dns.max_tcp_connections", "must be at least 1")
	}
	if c.DNS.MaxInflight < 1 {
		add("dns.max_inflight", "must be at least 1")
	}
	if c.Cache.MaxSize < 0 {
		add("cache.max_size", "must not be negative")
	}
	if c.Cache.MaxTTL < c.Cache.MinTTL {
		add("cache.max_ttl", "must not be less than cache.min_ttl")
	}
	if c.Cache.ServfailTTL > 5*time.Minute {
		add("cache.servfail_ttl", "must be at most 5m (RFC 2308 §7.1): a failure should be retried soon")
	}
	switch c.BlockAnswer.Mode {
	case "address":
		if c.BlockAnswer.IPv4 == "" && c.BlockAnswer.IPv6 == "" {
			add("block_answer.ipv4", "give the block page's address (or set block_answer.mode to nxdomain)")
		}
	case "nxdomain":
	default:
		add("block_answer.mode", "%q is not address or nxdomain", c.BlockAnswer.Mode)
	}
	if s := c.BlockAnswer.IPv4; s != "" {
		if a, err := netip.ParseAddr(s); err != nil || !a.Is4() {
			add("block_answer.ipv4", "%q is not an IPv4 address", s)
		}
	}
	if s := c.BlockAnswer.IPv6; s != "" {
		if a, err := netip.ParseAddr(s); err != nil || !a.Is6() || a.Is4In6() {
			add("block_answer.ipv6", "%q is not an IPv6 address", s)
		}
	}
	if c.BlockAnswer.TTL > 24*time.Hour {
		add("block_answer.ttl", "must be at most 24h, or unblocking takes too long to reach clients")
	}
	if l := c.BlockPage.Listen; l != "" {
		if _, err := parseListen(l); err != nil {
			add("block_page.listen", "%v", err)
		}
	}
	if l := c.DoH.Listen; l != "" {
		if _, err := parseListen(l); err != nil {
			add("doh.listen", "%v", err)
		}
	}
	if (c.DoH.CertFile == "") != (c.DoH.KeyFile == "") {
		add("doh.key_file", "give both doh.cert_file and doh.key_file, or neither")
	}
	if c.Records.File == "" {
		add("records.file", "must name a file")
	}
	if c.Records.ReportsFile == "" {
		add("records.reports_file", "must name a file")
	}
	if c.Records.SpoolDir == "" {
		add("records.spool_dir", "must name a directory")
	}
	positive("records.retention", c.Records.Retention)
	if c.QueryLog.Enabled {
		if c.QueryLog.File == "" {
			add("query_log.file", "must name a file when the query log is enabled")
		}
		positive("query_log.retention", c.QueryLog.Retention)
	}
	if p := c.Reload.PollInterval; p != 0 && p < 100*time.Millisecond {
		add("reload.poll_interval", "must be 0 (off) or at least 100ms")
	}
	if p := c.Reload.ServerInterval; p < time.Second {
		add("reload.server_interval", "must be at least 1s")
	}
	return ps
}

// parseListen checks a listen address: host:port with an IP or nothing
// before the colon.
func parseListen(s string) (string, error) {
	host, port, err := splitHostPort(s)
	if err != nil {
		return "", fmt.Errorf("%q is not an address such as :53 or 192.0.2.1:53", s)
	}
	if host != "" {
		if _, err := netip.ParseAddr(host); err != nil {
			return "", fmt.Errorf("%q: the host must be an IP address", s)
		}
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return "", fmt.Errorf("%q: the port must be a number up to 65535", s)
	}
	return s, nil
}

func splitHostPort(s string) (string, string, error) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return "", "", fmt.Errorf("no port")
	}
	host := s[:i]
	if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1]
	}
	return host, s[i+1:], nil
}

// ParseUpstream reads an upstream resolver's address: an IP address with an
// optional port (53 by default). Names are refused: the filter would need a
// resolver to find its resolver.
func ParseUpstream(s string) (netip.AddrPort, error) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		if ap.Port() == 0 {
			return ap, fmt.Errorf("%q: port 0 is not a port", s)
		}
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), nil
	}
	a, err := netip.ParseAddr(strings.Trim(s, "[]"))
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("%q is not an IP address with an optional port, such as 9.9.9.9 or [2620:fe::fe]:53", s)
	}
	return netip.AddrPortFrom(a.Unmap(), 53), nil
}

// Resolve makes a path in the configuration absolute against the file's
// directory.
func (f *File) Resolve(p string) string { return f.resolve(p) }

// resolve makes a path in the configuration absolute against the file's
// directory.
func (f *File) resolve(p string) string {
	if p == "" || filepath.IsAbs(p) || f.BaseDir == "" {
		return p
	}
	return filepath.Join(f.BaseDir, p)
}

// equal reports whether two configurations are the same. A reload swaps the
// policy only: a change to any of these settings needs a restart.
func (c Config) equal(o Config) bool {
	a, err1 := yaml.Marshal(c)
	b, err2 := yaml.Marshal(o)
	return err1 == nil && err2 == nil && bytes.Equal(a, b)
}
