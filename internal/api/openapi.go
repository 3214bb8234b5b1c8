package api

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// The OpenAPI document is written in YAML, which people can review, and
// served as JSON, converted once when the package is first used.
//
//go:embed openapi.yaml
var openAPIYAML []byte

// OpenAPIJSON returns the OpenAPI 3.1 document as JSON.
func OpenAPIJSON() ([]byte, error) {
	var doc any
	if err := yaml.Unmarshal(openAPIYAML, &doc); err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	return json.Marshal(doc)
}

func (a *API) openAPI(w http.ResponseWriter, r *http.Request) {
	a.specOnce.Do(func() { a.spec, a.specErr = OpenAPIJSON() })
	if a.specErr != nil {
		a.renderError(w, r, a.specErr)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(a.spec)))
	w.Write(a.spec)
}
