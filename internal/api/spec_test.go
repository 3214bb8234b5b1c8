package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/lifeguard-scp/lifeguard/internal/api"
)

// specChecker validates real responses against the OpenAPI document: the
// status must be one the operation declares, and the body must match its
// schema (JSON Schema 2020-12, which OpenAPI 3.1 uses).
type specChecker struct {
	doc      map[string]any
	compiler *jsonschema.Compiler
	cache    map[string]*jsonschema.Schema
}

const specURL = "https://lifeguard.invalid/openapi.json"

func newSpecChecker(t testing.TB) *specChecker {
	t.Helper()
	raw, err := api.OpenAPIJSON()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(specURL, doc); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return &specChecker{doc: m, compiler: c, cache: map[string]*jsonschema.Schema{}}
}

func pointerEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func (s *specChecker) check(t testing.TB, method, route string, status int, body []byte) {
	t.Helper()
	paths := s.doc["paths"].(map[string]any)
	item, ok := paths[route].(map[string]any)
	if !ok {
		t.Errorf("%s is not in the OpenAPI document", route)
		return
	}
	op, ok := item[strings.ToLower(method)].(map[string]any)
	if !ok {
		if status != http.StatusMethodNotAllowed {
			t.Errorf("%s %s is not in the OpenAPI document", method, route)
		}
		return
	}
	responses := op["responses"].(map[string]any)
	code := fmt.Sprint(status)
	resp, ok := responses[code].(map[string]any)
	if !ok {
		t.Errorf("%s %s answered %d, which the OpenAPI document does not declare (body %s)", method, route, status, body)
		return
	}
	ptr := "#/paths/" + pointerEscape(route) + "/" + strings.ToLower(method) + "/responses/" + code
	if ref, ok := resp["$ref"].(string); ok {
		ptr = ref
		resp = s.doc["components"].(map[string]any)["responses"].(map[string]any)[strings.TrimPrefix(ref, "#/components/responses/")].(map[string]any)
	}
	if _, ok := resp["content"]; !ok {
		return
	}
	ptr += "/content/application~1json/schema"
	sch, ok := s.cache[ptr]
	if !ok {
		var err error
		if sch, err = s.compiler.Compile(specURL + ptr); err != nil {
			t.Fatalf("compile %s: %v", ptr, err)
		}
		s.cache[ptr] = sch
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(string(body)))
	if err != nil {
		t.Errorf("%s %s %d: body is not JSON: %v", method, route, status, err)
		return
	}
	if err := sch.Validate(v); err != nil {
		t.Errorf("%s %s %d: the body does not match the OpenAPI document:\n%v\nbody: %.600s", method, route, status, err, body)
	}
}

// declaresCSV checks that the operation declares a CSV body for status, as
// its lists downloaded with ?format=csv answer.
func (s *specChecker) declaresCSV(t testing.TB, method, route string, status int) {
	t.Helper()
	item, _ := s.doc["paths"].(map[string]any)[route].(map[string]any)
	op, _ := item[strings.ToLower(method)].(map[string]any)
	resp, _ := op["responses"].(map[string]any)[fmt.Sprint(status)].(map[string]any)
	content, _ := resp["content"].(map[string]any)
	if _, ok := content["text/csv"]; !ok {
		t.Errorf("%s %s %d answered CSV, which the OpenAPI document does not declare", method, route, status)
	}
}

// TestEveryRouteIsDocumented keeps the routes in Routes and the paths of the
// OpenAPI document in step, in both directions.
func TestEveryRouteIsDocumented(t *testing.T) {
	s := newSpecChecker(t)
	src := routesSource(t)
	var routes []string
	for _, m := range regexp.MustCompile(`"(GET|POST|PUT|DELETE|PATCH) /api/v1(/[^"]*)"`).FindAllStringSubmatch(src, -1) {
		routes = append(routes, m[1]+" "+m[2])
	}
	var documented []string
	for path, item := range s.doc["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			if method == "parameters" {
				continue
			}
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	slices.Sort(routes)
	slices.Sort(documented)
	if !slices.Equal(routes, documented) {
		t.Errorf("routes and OpenAPI paths differ:\nroutes:     %v\ndocumented: %v", routes, documented)
	}
}

// routesSource is api.go, where every route is registered in one place.
func routesSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("api.go")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
