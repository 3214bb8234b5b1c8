package lifeguard_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestHTTPStatus checks the one table from error code to HTTP status that
// the API and the pages both answer by, including a code wrapped with %w and
// errors that carry no code.
func TestHTTPStatus(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"invalid", lifeguard.Invalid("bad", nil), http.StatusUnprocessableEntity},
		{"not found", lifeguard.Errorf(lifeguard.ENOTFOUND, "x"), http.StatusNotFound},
		{"forbidden", lifeguard.Errorf(lifeguard.EFORBIDDEN, "x"), http.StatusForbidden},
		{"unauthorized", lifeguard.Errorf(lifeguard.EUNAUTHORIZED, "x"), http.StatusUnauthorized},
		{"conflict", lifeguard.Errorf(lifeguard.ECONFLICT, "x"), http.StatusConflict},
		{"unavailable", lifeguard.Errorf(lifeguard.EUNAVAILABLE, "x"), http.StatusServiceUnavailable},
		{"internal", lifeguard.Errorf(lifeguard.EINTERNAL, "x"), http.StatusInternalServerError},
		{"wrapped", fmt.Errorf("loading: %w", lifeguard.Errorf(lifeguard.ECONFLICT, "x")), http.StatusConflict},
		{"plain error", errors.New("boom"), http.StatusInternalServerError},
		{"unknown code", lifeguard.Errorf("no_such_code", "x"), http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lifeguard.HTTPStatus(tt.err); got != tt.want {
				t.Errorf("HTTPStatus(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}
