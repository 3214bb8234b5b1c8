package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard/internal/api"
)

// servedDocument is the OpenAPI document exactly as GET /api/v1/openapi.json
// serves it, decoded.
func servedDocument(t *testing.T) map[string]any {
	t.Helper()
	raw, err := api.OpenAPIJSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

var operationMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// TestEveryOperationHasAnIDAndA4xx holds the two rules a client generator
// leans on: every operation has its own operationId (the name of the
// function a generated client gets), and says at least one way it can fail
// with a 4xx, so a client knows the error shape to expect.
func TestEveryOperationHasAnIDAndA4xx(t *testing.T) {
	doc := servedDocument(t)
	seen := map[string]string{}
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			if !slices.Contains(operationMethods, method) {
				continue
			}
			where := strings.ToUpper(method) + " " + path
			op := op.(map[string]any)
			id, _ := op["operationId"].(string)
			switch {
			case id == "":
				t.Errorf("%s has no operationId", where)
			case seen[id] != "":
				t.Errorf("%s and %s share the operationId %q", seen[id], where, id)
			default:
				seen[id] = where
			}
			has4xx := false
			for code := range op["responses"].(map[string]any) {
				if len(code) == 3 && code[0] == '4' {
					has4xx = true
				}
			}
			if !has4xx {
				t.Errorf("%s declares no 4xx response", where)
			}
		}
	}
}

// TestNoKeyWithoutValue finds what a comma in an unquoted description inside
// a YAML flow mapping ({description: a, b}) makes: a key "b" with no value,
// which OpenAPI tools reject as a stray schema keyword. Nothing in the
// document is meant to be null.
func TestNoKeyWithoutValue(t *testing.T) {
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch v := v.(type) {
		case nil:
			t.Errorf("%s has no value: quote the YAML text before it that holds a comma or a colon", at)
		case map[string]any:
			for k, e := range v {
				walk(at+"/"+k, e)
			}
		case []any:
			for i, e := range v {
				walk(fmt.Sprintf("%s/%d", at, i), e)
			}
		}
	}
	walk("#", servedDocument(t))
}

// TestOpenAPILint runs Redocly's CLI, as installed by .ci/run into
// tools/redocly, over the served document with the rules in redocly.yaml
// (recommended-strict: a warning is an error too). Telemetry and the update
// check are turned off: the linter must not reach the network.
func TestOpenAPILint(t *testing.T) {
	redocly := os.Getenv("LIFEGUARD_REDOCLY")
	if redocly == "" {
		redocly = filepath.Join("..", "..", "tools", "redocly", "node_modules", ".bin", "redocly")
	}
	if _, err := os.Stat(redocly); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Redocly's CLI is not installed at %s: %v", redocly, err)
		}
		t.Skipf("Redocly's CLI is not installed (npm install --prefix tools/redocly @redocly/cli@2.77.0): %v", err)
	}
	raw, err := api.OpenAPIJSON()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "openapi.json")
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	config, err := filepath.Abs("redocly.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), redocly, "lint", "--config", config, "--format", "stylish", file)
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("redocly lint: %v\n%s", err, out)
	}
}

// TestOpenAPIWithABadToken is the 4xx GET /openapi.json declares: the
// document needs no token, but one that is sent must be valid.
func TestOpenAPIWithABadToken(t *testing.T) {
	f := newFixture(t)
	f.tokens["stranger"] = "not-a-token-this-server-issued"
	if r := f.call("stranger", "GET", "/openapi.json", "/openapi.json", ""); r.status != http.StatusUnauthorized {
		t.Errorf("GET /openapi.json with a bad token: %d %s, want 401", r.status, r.body)
	}
	if r := f.call("none", "GET", "/openapi.json", "/openapi.json", ""); r.status != http.StatusOK {
		t.Errorf("GET /openapi.json without a token: %d, want 200", r.status)
	}
}
