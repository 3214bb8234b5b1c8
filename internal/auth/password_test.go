package auth

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// testParams are cheap argon2id parameters so that tests do not spend 80 ms on every sign-in.
func testParams() Params { return Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32} }

func TestHashPasswordDefault(t *testing.T) {
	h, err := HashPassword("a long enough passphrase")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("hash %q does not start with the default parameters", h)
	}
	ok, rehash, err := VerifyPassword(h, "a long enough passphrase")
	if err != nil || !ok || rehash {
		t.Errorf("VerifyPassword(right) = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
	ok, rehash, err = VerifyPassword(h, "a long enough passphrasE")
	if err != nil || ok || rehash {
		t.Errorf("VerifyPassword(wrong) = %v, %v, %v; want false, false, nil", ok, rehash, err)
	}
}

func TestHashPasswordSalted(t *testing.T) {
	a, err := hashPassword("same password here", testParams())
	if err != nil {
		t.Fatal(err)
	}
	b, err := hashPassword("same password here", testParams())
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
}

func TestVerifyPasswordRehash(t *testing.T) {
	cheap := testParams()
	h, err := hashPassword("correct horse battery", cheap)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		current Params
		pw      string
		ok      bool
		rehash  bool
	}{
		{"same parameters", cheap, "correct horse battery", true, false},
		{"memory raised", Params{Memory: 128, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, "correct horse battery", true, true},
		{"time raised", Params{Memory: 64, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}, "correct horse battery", true, true},
		{"lanes changed", Params{Memory: 64, Time: 1, Threads: 2, SaltLen: 16, KeyLen: 32}, "correct horse battery", true, true},
		{"key length changed", Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 64}, "correct horse battery", true, true},
		{"wrong password never asks for a rehash", DefaultParams(), "wrong horse battery", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, rehash, err := verifyPassword(h, tc.pw, tc.current)
			if err != nil || ok != tc.ok || rehash != tc.rehash {
				t.Errorf("got %v, %v, %v; want %v, %v, nil", ok, rehash, err, tc.ok, tc.rehash)
			}
		})
	}
	// The public function compares with the defaults.
	if ok, rehash, err := VerifyPassword(h, "correct horse battery"); !ok || !rehash || err != nil {
		t.Errorf("VerifyPassword(cheap hash) = %v, %v, %v; want true, true, nil", ok, rehash, err)
	}
}

func TestVerifyPasswordMalformed(t *testing.T) {
	const salt, key = "c2FsdHNhbHRzYWx0c2FsdA", "a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"
	good := "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key
	if _, _, err := VerifyPassword(good, "x"); err != nil {
		t.Fatalf("the well-formed base case fails: %v", err)
	}
	for _, tc := range []struct{ name, hash string }{
		{"empty", ""},
		{"plain text", "hunter2hunter2"},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"argon2i", "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key},
		{"argon2d", "$argon2d$v=19$m=64,t=1,p=1$" + salt + "$" + key},
		{"version 16", "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key},
		{"no version", "$argon2id$m=64,t=1,p=1$" + salt + "$" + key},
		{"missing field", "$argon2id$v=19$m=64,t=1,p=1$" + salt},
		{"extra field", good + "$x"},
		{"no leading dollar", good[1:]},
		{"parameters reordered", "$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key},
		{"parameter missing", "$argon2id$v=19$m=64,t=1$" + salt + "$" + key},
		{"extra parameter", "$argon2id$v=19$m=64,t=1,p=1,k=2$" + salt + "$" + key},
		{"leading zero", "$argon2id$v=19$m=064,t=1,p=1$" + salt + "$" + key},
		{"plus sign", "$argon2id$v=19$m=+64,t=1,p=1$" + salt + "$" + key},
		{"negative", "$argon2id$v=19$m=-64,t=1,p=1$" + salt + "$" + key},
		{"space", "$argon2id$v=19$m=64, t=1,p=1$" + salt + "$" + key},
		{"overflow", "$argon2id$v=19$m=99999999999,t=1,p=1$" + salt + "$" + key},
		{"time zero (would panic)", "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key},
		{"threads zero (would panic)", "$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key},
		{"threads past uint8", "$argon2id$v=19$m=4096,t=1,p=257$" + salt + "$" + key},
		{"memory below 8 per lane", "$argon2id$v=19$m=8,t=1,p=2$" + salt + "$" + key},
		{"memory too large", "$argon2id$v=19$m=4194304,t=1,p=1$" + salt + "$" + key},
		{"time too large", "$argon2id$v=19$m=64,t=1000,p=1$" + salt + "$" + key},
		{"salt not base64", "$argon2id$v=19$m=64,t=1,p=1$!!!!$" + key},
		{"salt padded", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + key},
		{"salt too short", "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$" + key},
		{"salt empty", "$argon2id$v=19$m=64,t=1,p=1$$" + key},
		{"hash empty (would derive nothing)", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$"},
		{"hash too short", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$a2V5"},
		{"line break in the salt (the decoder skips it)", "$argon2id$v=19$m=64,t=1,p=1$" + salt[:8] + "\r\n" + salt[8:] + "$" + key},
		{"line break in the hash", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key[:8] + "\n" + key[8:]},
		{"hash not canonical base64", "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key[:len(key)-1] + "f"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, rehash, err := VerifyPassword(tc.hash, "x")
			if !errors.Is(err, ErrMalformedHash) || ok || rehash {
				t.Errorf("got %v, %v, %v; want false, false, ErrMalformedHash", ok, rehash, err)
			}
			if strings.Contains(fmt.Sprint(err), salt) || strings.Contains(fmt.Sprint(err), key) {
				t.Errorf("the error %q repeats the hash", err)
			}
		})
	}
}

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		name, pw string
		want     []string // the problems, in order
	}{
		{"good", "blue kettle on the stairs", nil},
		{"exactly 12", "abcdefghijk9", nil},
		{"multibyte counts characters", "ééééééééééé1", nil},
		{"empty", "", []string{"at least 12"}},
		{"11 characters", "abcdefghij9", []string{"at least 12"}},
		{"256 bytes", strings.Repeat("ab", 128), nil},
		{"257 bytes", strings.Repeat("ab", 128) + "c", []string{"at most 256 bytes"}},
		{"one character repeated", "aaaaaaaaaaaaaaa", []string{"one character repeated"}},
		{"short and repeated", "zzz", []string{"at least 12", "one character repeated"}},
		{"repeated multibyte", "ßßßßßßßßßßßß", []string{"one character repeated"}},
		{"common", "password1234", []string{"most common"}},
		{"common in capitals", "Password1234", []string{"most common"}},
		{"common and repeated", "111111111111", []string{"one character repeated"}},
		{"common, long", "correcthorsebatterystaple", []string{"most common"}},
		{"not utf-8", "abcdefghijk\xff", []string{"valid text"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CheckPassword(tc.pw)
			if len(got) != len(tc.want) {
				t.Fatalf("CheckPassword = %v; want problems about %q", got, tc.want)
			}
			for i, p := range got {
				if p.Path != "password" || !strings.Contains(p.Problem, tc.want[i]) {
					t.Errorf("problem %d = %v; want password: …%s…", i, p, tc.want[i])
				}
			}
		})
	}
}

func TestCommonPasswordsList(t *testing.T) {
	n := 0
	for line := range strings.Lines(commonPasswords) {
		line = strings.TrimRight(line, "\n")
		n++
		if line != strings.ToLower(line) || strings.TrimSpace(line) != line || line == "" {
			t.Errorf("line %d %q is not lower case without spaces", n, line)
		}
		// A shorter one is refused by the length rule already.
		if len([]rune(line)) < minPasswordRunes {
			t.Errorf("line %d %q is shorter than the minimum", n, line)
		}
	}
	if n < 40 {
		t.Errorf("%d common passwords; want about 50", n)
	}
}

// FuzzVerifyPassword checks that no stored string makes VerifyPassword panic,
// and that whatever it accepts is the one canonical spelling of its hash.
func FuzzVerifyPassword(f *testing.F) {
	h, err := hashPassword("seed password", testParams())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(h, "seed password")
	f.Add("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U", "x")
	f.Add("$argon2id$v=19$m=65536,t=3,p=2$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U", "x")
	f.Add("$argon2id$v=19$m=64,t=0,p=0$$", "")
	f.Add("$$$$$", "")
	f.Fuzz(func(t *testing.T, encoded, pw string) {
		p, salt, key, err := decodeHash(encoded)
		if err != nil {
			if !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("decodeHash error %v does not wrap ErrMalformedHash", err)
			}
			if ok, rehash, err := VerifyPassword(encoded, pw); ok || rehash || err == nil {
				t.Fatalf("VerifyPassword accepts what decodeHash refuses")
			}
			return
		}
		if got := encodeHash(p, salt, key); got != encoded {
			t.Fatalf("decodeHash accepted %q, which re-encodes as %q", encoded, got)
		}
		// Computing a hash the fuzzer made expensive would only slow the
		// fuzzer down; the limits themselves are tested above.
		if uint64(p.Memory)*uint64(p.Time) > 4096 {
			return
		}
		if _, _, err := VerifyPassword(encoded, pw); err != nil {
			t.Fatalf("VerifyPassword fails on what decodeHash accepts: %v", err)
		}
	})
}

func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("blue kettle on the stairs"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyPassword(b *testing.B) {
	h, err := HashPassword("blue kettle on the stairs")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if ok, _, err := VerifyPassword(h, "blue kettle on the stairs"); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
