package oidc

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// keyServer is a provider's discovery document, published keys and token
// endpoint, whose signing key the test can rotate: no real provider
// rotates on demand. The end-to-end tests in internal/e2e use a real one.
type keyServer struct {
	t         *testing.T
	srv       *httptest.Server
	mu        sync.Mutex
	published map[string]*rsa.PrivateKey // kid → key, as the JWKS lists them
	signWith  string                     // the kid that signs
	signer    *rsa.PrivateKey            // may be a key that is not published
	nonce     string
}

func newKeyServer(t *testing.T) *keyServer {
	k := &keyServer{t: t, published: map[string]*rsa.PrivateKey{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"issuer": k.srv.URL, "authorization_endpoint": k.srv.URL + "/authorize",
			"token_endpoint": k.srv.URL + "/token", "jwks_uri": k.srv.URL + "/keys",
			"id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		k.mu.Lock()
		defer k.mu.Unlock()
		var keys []map[string]string
		for kid, key := range k.published {
			keys = append(keys, map[string]string{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
				"n": b64(key.N.Bytes()), "e": b64(big.NewInt(int64(key.E)).Bytes())})
		}
		json.NewEncoder(w).Encode(map[string]any{"keys": keys})
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": "at", "token_type": "Bearer", "id_token": k.idToken()})
	})
	k.srv = httptest.NewServer(mux)
	t.Cleanup(k.srv.Close)
	return k
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// use publishes a new key under kid and signs with it; with keepOld false
// the other keys are withdrawn, as a provider does after a rotation.
func (k *keyServer) use(kid string, keepOld bool) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		k.t.Fatal(err)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if !keepOld {
		k.published = map[string]*rsa.PrivateKey{}
	}
	k.published[kid], k.signWith, k.signer = key, kid, key
}

// forge signs with a key of its own under a published kid.
func (k *keyServer) forge() {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		k.t.Fatal(err)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.signer = key
}

func (k *keyServer) idToken() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	h, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": k.signWith})
	now := time.Now()
	p, _ := json.Marshal(map[string]any{"iss": k.srv.URL, "sub": "u1", "aud": "lifeguard", "nonce": k.nonce,
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "email": "sam@oakfield.example", "email_verified": true})
	signed := b64(h) + "." + b64(p)
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, k.signer, crypto.SHA256, sum[:])
	if err != nil {
		k.t.Fatal(err)
	}
	return signed + "." + b64(sig)
}

// TestKeyRotation: tokens signed with a key the provider has just
// published are accepted (the keys are fetched again for a kid not seen
// before), and a token signed with a key the provider never published is
// refused, even under a published kid.
func TestKeyRotation(t *testing.T) {
	k := newKeyServer(t)
	k.nonce = "the-nonce"
	c := New(nil, time.Now)
	sp := &lifeguard.SignInProvider{ID: 1, Issuer: k.srv.URL, ClientID: "lifeguard", ClientSecret: "s"}
	finish := func() error {
		_, err := c.Finish(t.Context(), sp, "https://lifeguard.example/signin/sso/callback", "code", "verifier", "the-nonce")
		return err
	}
	k.use("k1", false)
	if err := finish(); err != nil {
		t.Fatalf("first key: %v", err)
	}
	k.use("k2", false) // rotated: k1 withdrawn, k2 signs
	if err := finish(); err != nil {
		t.Fatalf("after rotation: %v", err)
	}
	k.forge()
	if r := AsRefusal(finish()); r.Reason != "signature" {
		t.Errorf("a token signed with an unpublished key: reason %q (%v)", r.Reason, r)
	}
}
