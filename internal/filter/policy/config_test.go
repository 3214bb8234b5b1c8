package policy

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // "path: part of the message"
	}{
		{"the test config is valid", testConfig, nil},
		{"empty config is valid", "{}", nil},
		{"time zone", "time_zone: Mars/Olympus", []string{"time_zone: unknown time zone"}},
		{"unknown category", "categories: {adult: {lists: [a.txt]}}", []string{"categories.adult: unknown category"}},
		{"no lists", "categories: {gambling: {lists: []}}\nallow_lists: {kids: {}}", []string{"categories.gambling.lists: give at least one", "allow_lists.kids.lists: give at least one"}},
		{"empty file name", "categories: {gambling: {lists: [' ']}}", []string{"categories.gambling.lists[0]: empty file name"}},
		{"bad allow list name", "allow_lists: {'Kids!': {lists: [a.txt]}}", []string{"allow_lists.Kids!: a name of"}},
		{"entries", "allow: [ok.example, 'bad name']\nblock: [ok.example, 'a..b']", []string{"allow[1]: \"bad name\"", "block[0]: \"ok.example\" is also in allow", "block[1]: \"a..b\""}},
		{"youtube mode", "safe_search: {youtube: maybe}", []string{"safe_search.youtube: \"maybe\""}},
		{"group fields", `
groups:
  Primary!: {}
  secondary:
    categories: [games, nonsense]
    allow_lists: [missing]
    allow: [x..y]
    block: ['*bad']
    safe_search: {youtube: loud}
    networks: [10.0.0.0/8, 10.0.0.0/8, 10.1.2.3/40, not-an-address, "fe80::1%eth0"]
    doh_paths: [ok-1, ok-1, "has/slash"]
default_group: nobody
`, []string{
			"groups.Primary!: a group name",
			"groups.secondary.categories[1]: unknown category \"nonsense\"",
			"groups.secondary.allow_lists[0]: no allow list \"missing\"",
			"groups.secondary.allow[0]:",
			"groups.secondary.block[0]:",
			"groups.secondary.safe_search.youtube:",
			"groups.secondary.networks[1]: 10.0.0.0/8 is also given for groups.secondary",
			"groups.secondary.networks[2]: \"10.1.2.3/40\" is not an address range",
			"groups.secondary.networks[3]: \"not-an-address\" is not an address",
			"groups.secondary.networks[4]:",
			"groups.secondary.doh_paths[1]: \"ok-1\" is also given",
			"groups.secondary.doh_paths[2]: a DoH path",
			"default_group: no group \"nobody\"",
		}},
		{"networks shared by groups", "groups: {a: {networks: [10.0.0.1]}, b: {networks: [10.0.0.1/32]}}", []string{"groups.b.networks[0]: 10.0.0.1/32 is also given for groups.a"}},
		{"schedules", `
groups:
  g:
    categories: [games]
    schedules:
      - {days: [mon, someday], from: "7:00", to: "25:00", allow: [games]}
      - {from: "16:00", to: "16:00", allow: [csam, chat, nonsense], block: [nonsense]}
      - {from: "16:00", to: "24:00"}
      - {from: "24:00", to: "23:60", block: [chat]}
`, []string{
			"groups.g.schedules[0].days[1]: \"someday\"",
			"groups.g.schedules[0].from: \"7:00\": give a time as HH:MM",
			"groups.g.schedules[0].to: \"25:00\" is not a time of day",
			"groups.g.schedules[1].to: the window is empty",
			"groups.g.schedules[1].allow[0]: csam is illegal content: no schedule can allow it",
			"groups.g.schedules[1].allow[1]: chat is not blocked for this group",
			"groups.g.schedules[1].allow[2]: unknown category",
			"groups.g.schedules[1].block[0]: unknown category",
			"groups.g.schedules[2]: give categories to allow or to block",
			"groups.g.schedules[3].from: \"24:00\" is not a time of day",
			"groups.g.schedules[3].to: \"23:60\" is not a time of day",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := decodeConfig(t, tt.yaml).Check()
			var strs []string
			for _, p := range got {
				strs = append(strs, p.String())
			}
			if len(strs) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%s", len(strs), len(tt.want), strings.Join(strs, "\n"))
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(strs[i], w) && !strings.Contains(strs[i], w) {
					t.Errorf("problem %d = %q, want %q", i, strs[i], w)
				}
			}
		})
	}
}

func TestUnknownFieldsRejected(t *testing.T) {
	dec := yaml.NewDecoder(strings.NewReader("groups: {a: {categorys: [games]}}"))
	dec.KnownFields(true)
	var c Config
	if err := dec.Decode(&c); err == nil || !strings.Contains(err.Error(), "categorys") {
		t.Errorf("a misspelt field must be an error: %v", err)
	}
}

// FuzzConfig decodes any YAML; whatever passes Check must build (with no
// list files) and decide without failing.
func FuzzConfig(f *testing.F) {
	f.Add(testConfig)
	f.Add("groups: {g: {networks: ['::/0', 0.0.0.0/0], schedules: [{from: '23:00', to: '01:00', block: [chat]}]}}\ndefault_group: g")
	f.Add("allow: [a.b]\nblock: [b]\nsafe_search: {google: true}")
	f.Fuzz(func(t *testing.T, text string) {
		var c Config
		if err := yaml.Unmarshal([]byte(text), &c); err != nil {
			return
		}
		ps := c.Check()
		for _, p := range ps {
			if p.Path == "" && p.Problem == "" {
				t.Fatal("empty problem")
			}
		}
		if len(ps) > 0 || len(c.Categories) > 0 || len(c.AllowLists) > 0 {
			return
		}
		p, _, err := Build(t.Context(), c, t.TempDir())
		if err != nil {
			t.Fatalf("Check passed but Build failed: %v", err)
		}
		for _, g := range p.Groups() {
			if !slices.Contains(p.Groups(), g) {
				t.Fatal("groups")
			}
		}
		for _, name := range []string{"www.google.com", "a.b", "example.com"} {
			for _, a := range []string{"10.0.0.1", "::1", "192.168.0.1"} {
				v := p.Decide(Query{Client: netip.MustParseAddr(a), Name: name, Time: time.Unix(1_800_000_000, 0)})
				if v.Action > Rewrite || (v.Action == Rewrite) != (v.Target != "") {
					t.Fatalf("verdict %+v", v)
				}
			}
		}
	})
}
