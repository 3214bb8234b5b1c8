package procedure

import (
	"fmt"
	"slices"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"

	"github.com/lifeguard-scp/lifeguard"
)

// A condition is a CEL expression over the facts of one concern. CEL is
// type-checked when the procedure loads, so a misspelt fact or a comparison
// of a flag with a number is rejected with its rule and line before any
// concern is triaged, and it cannot loop or reach outside the facts.

// Var is a name a condition can read.
type Var struct {
	Name string
	Type string
	Doc  string
}

// facts lists every name a condition can read. The activation below resolves
// exactly these; TestVarsResolve keeps the two in step.
var facts = []Var{
	{"types", "list(string)", "the concern type codes"},
	{"setting", "string", "the reporting organisation's setting"},
	{"child_role", "string", "victim, perpetrator, both, witness or unknown (the default)"},
	{"has_child", "bool", "a child is recorded (false only for concerns about adults at work)"},
	{"child.age", "int", "the child's age at the report, from age or date of birth; -1 when there is no child"},
	{"child.vulnerabilities", "list(string)", "the child's vulnerability codes"},
	{"parties.adult_involved", "bool", ""},
	{"parties.peer_involved", "bool", ""},
	{"parties.unknown_involved", "bool", ""},
	{"risk.immediate_danger", "bool", ""},
	{"risk.risk_to_life", "bool", ""},
	{"risk.significant_harm", "string", `"yes", "no", "unsure", or "" when not given`},
	{"risk.additional_needs", "bool", ""},
	{"risk.parents_pose_risk", "bool", ""},
	{"images.involved", "bool", ""},
	{"images.self_generated", "bool", ""},
	{"images.online", "bool", ""},
	{"images.sexual_acts", "bool", ""},
	{"images.atypical_or_violent", "bool", ""},
	{"images.under_13_depicted", "bool", ""},
	{"images.capacity_concern", "bool", ""},
	{"images.known_child", "bool", ""},
	{"images.malicious_sharing", "bool", ""},
	{"details.meeting_arranged", "bool", ""},
	{"details.coercion", "bool", ""},
	{"details.threats", "bool", ""},
	{"details.repeated", "bool", ""},
	{"details.hate_motivated", "bool", ""},
	{"details.location_known", "bool", ""},
	{"details.suspect_known", "bool", ""},
	{"details.encouraged_by_other", "bool", ""},
	{"details.supply", "bool", ""},
	{"details.on_organisation_network", "bool", ""},
	{"details.other_settings_involved", "bool", ""},
	{"details.platform", "string", `the app, game or service, "" when not given`},
	{"staff.harmed_child", "bool", ""},
	{"staff.possible_offence", "bool", ""},
	{"staff.poses_risk", "bool", ""},
	{"staff.unsuitable", "bool", ""},
	{"staff.private_contact", "bool", ""},
	{"routes", "list(string)", "route codes added so far; a condition that reads it runs after every rule that does not"},
	{"fired", "list(string)", "ids of the rules that have fired so far; read like routes"},
}

// Vars returns the names a condition can read, for documentation.
func Vars() []Var { return slices.Clone(facts) }

func celType(t string) *cel.Type {
	switch t {
	case "bool":
		return cel.BoolType
	case "int":
		return cel.IntType
	case "string":
		return cel.StringType
	}
	return cel.ListType(cel.StringType)
}

// newEnv declares the facts and the procedure's named sets, which conditions
// read as constant lists of strings.
func newEnv(sets map[string][]string) (*cel.Env, error) {
	opts := make([]cel.EnvOption, 0, len(facts)+len(sets))
	for _, v := range facts {
		opts = append(opts, cel.Variable(v.Name, celType(v.Type)))
	}
	for _, name := range slices.Sorted(mapKeys(sets)) {
		if !setNamePattern(name) {
			return nil, fmt.Errorf("set name %q must be lower-case letters, digits and underscores", name)
		}
		if slices.ContainsFunc(facts, func(v Var) bool { return v.Name == name || strings.HasPrefix(v.Name, name+".") }) {
			return nil, fmt.Errorf("set name %q is already the name of a fact", name)
		}
		opts = append(opts, cel.Constant(name, cel.ListType(cel.StringType), types.NewStringList(types.DefaultTypeAdapter, sets[name])))
	}
	return cel.NewEnv(opts...)
}

func setNamePattern(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// compileCondition type-checks expr as a boolean condition. late is true when
// it reads routes or fired, so it must run after the rules that do not.
func compileCondition(env *cel.Env, expr string) (prg cel.Program, late bool, err error) {
	if strings.TrimSpace(expr) == "" {
		return nil, false, fmt.Errorf("a condition is required (write \"true\" for always)")
	}
	ast, iss := env.Compile(expr)
	if iss != nil && len(iss.Errors()) > 0 {
		msgs := make([]string, 0, len(iss.Errors()))
		for _, e := range iss.Errors() {
			msgs = append(msgs, fmt.Sprintf("%s (line %d, column %d of the condition)", e.Message, e.Location.Line(), e.Location.Column()+1))
		}
		return nil, false, fmt.Errorf("%s", strings.Join(msgs, "; "))
	}
	if ast.OutputType() != cel.BoolType {
		return nil, false, fmt.Errorf("the condition gives a value of type %s, not true or false", ast.OutputType())
	}
	for _, r := range ast.NativeRep().ReferenceMap() {
		if r.Name == "routes" || r.Name == "fired" {
			late = true
		}
	}
	prg, err = env.Program(ast, cel.EvalOptions(cel.OptOptimize))
	return prg, late, err
}

// activation gives a condition the facts of one concern. It resolves names
// with a switch and hands out values built once per triage, so evaluating a
// condition allocates nothing.
type activation struct {
	f       *lifeguard.Facts
	types   ref.Val
	vulns   ref.Val
	setting ref.Val
	role    ref.Val
	harm    ref.Val
	plat    ref.Val
	age     types.Int
	routes  ref.Val
	fired   ref.Val
}

var emptyList = types.NewStringList(types.DefaultTypeAdapter, nil)

func newActivation(f *lifeguard.Facts) *activation {
	a := &activation{f: f, routes: emptyList, fired: emptyList, vulns: emptyList, age: -1}
	ts := make([]string, len(f.ConcernTypes))
	for i, t := range f.ConcernTypes {
		ts[i] = string(t)
	}
	a.types = types.NewStringList(types.DefaultTypeAdapter, ts)
	if f.Child != nil && len(f.Child.Vulnerabilities) > 0 {
		vs := make([]string, len(f.Child.Vulnerabilities))
		for i, v := range f.Child.Vulnerabilities {
			vs[i] = string(v)
		}
		a.vulns = types.NewStringList(types.DefaultTypeAdapter, vs)
	}
	if age, ok := f.ChildAge(); ok {
		a.age = types.Int(age)
	}
	a.setting = types.String(f.Setting)
	a.role = types.String(f.Role())
	a.harm = types.String(f.Risk.SignificantHarm)
	a.plat = types.String(f.Details.Platform)
	return a
}

func (a *activation) Parent() interpreter.Activation { return nil }

func (a *activation) ResolveName(name string) (any, bool) {
	f := a.f
	switch name {
	case "types":
		return a.types, true
	case "setting":
		return a.setting, true
	case "child_role":
		return a.role, true
	case "has_child":
		return types.Bool(f.Child != nil), true
	case "child.age":
		return a.age, true
	case "child.vulnerabilities":
		return a.vulns, true
	case "routes":
		return a.routes, true
	case "fired":
		return a.fired, true
	case "parties.adult_involved":
		return types.Bool(f.Parties.AdultInvolved), true
	case "parties.peer_involved":
		return types.Bool(f.Parties.PeerInvolved), true
	case "parties.unknown_involved":
		return types.Bool(f.Parties.UnknownInvolved), true
	case "risk.immediate_danger":
		return types.Bool(f.Risk.ImmediateDanger), true
	case "risk.risk_to_life":
		return types.Bool(f.Risk.RiskToLife), true
	case "risk.significant_harm":
		return a.harm, true
	case "risk.additional_needs":
		return types.Bool(f.Risk.AdditionalNeeds), true
	case "risk.parents_pose_risk":
		return types.Bool(f.Risk.ParentsPoseRisk), true
	case "images.involved":
		return types.Bool(f.Images.Involved), true
	case "images.self_generated":
		return types.Bool(f.Images.SelfGenerated), true
	case "images.online":
		return types.Bool(f.Images.Online), true
	case "images.sexual_acts":
		return types.Bool(f.Images.SexualActs), true
	case "images.atypical_or_violent":
		return types.Bool(f.Images.AtypicalOrViolent), true
	case "images.under_13_depicted":
		return types.Bool(f.Images.Under13Depicted), true
	case "images.capacity_concern":
		return types.Bool(f.Images.CapacityConcern), true
	case "images.known_child":
		return types.Bool(f.Images.KnownChild), true
	case "images.malicious_sharing":
		return types.Bool(f.Images.MaliciousSharing), true
	case "details.meeting_arranged":
		return types.Bool(f.Details.MeetingArranged), true
	case "details.coercion":
		return types.Bool(f.Details.Coercion), true
	case "details.threats":
		return types.Bool(f.Details.Threats), true
	case "details.repeated":
		return types.Bool(f.Details.Repeated), true
	case "details.hate_motivated":
		return types.Bool(f.Details.HateMotivated), true
	case "details.location_known":
		return types.Bool(f.Details.LocationKnown), true
	case "details.suspect_known":
		return types.Bool(f.Details.SuspectKnown), true
	case "details.encouraged_by_other":
		return types.Bool(f.Details.EncouragedByOther), true
	case "details.supply":
		return types.Bool(f.Details.Supply), true
	case "details.on_organisation_network":
		return types.Bool(f.Details.OnOrganisationNetwork), true
	case "details.other_settings_involved":
		return types.Bool(f.Details.OtherSettingsInvolved), true
	case "details.platform":
		return a.plat, true
	case "staff.harmed_child":
		return types.Bool(f.Staff.HarmedChild), true
	case "staff.possible_offence":
		return types.Bool(f.Staff.PossibleOffence), true
	case "staff.poses_risk":
		return types.Bool(f.Staff.PosesRisk), true
	case "staff.unsuitable":
		return types.Bool(f.Staff.Unsuitable), true
	case "staff.private_contact":
		return types.Bool(f.Staff.PrivateContact), true
	}
	return nil, false
}
