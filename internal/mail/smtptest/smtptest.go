// Package smtptest runs a real SMTP server for tests: Debian's
// python3-aiosmtpd, started by the test as a process of its own on a
// loopback port, saving every message it accepts to a Maildir that the
// test reads. The server can require STARTTLS and a password, with a
// certificate the test makes (SelfSigned).
//
// Without python3-aiosmtpd a test skips, except under CI=true, where it
// fails: CI installs the package (.ci/run).
package smtptest

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Python is the interpreter that has aiosmtpd: Debian's, not whatever
// python3 comes first on PATH.
const Python = "/usr/bin/python3"

// script is the server: aiosmtpd's Controller with its Maildir handler,
// and, when given a certificate, STARTTLS required before AUTH PLAIN with
// the one user and password given.
const script = `
import os, ssl, sys, time
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword

host, port, maildir, cert, key, user, password = sys.argv[1:8]
kw = {}
if cert:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    kw.update(tls_context=ctx, require_starttls=True)
if user:
    def authenticate(server, session, envelope, mechanism, data):
        ok = isinstance(data, LoginPassword) and data.login == user.encode() and data.password == password.encode()
        return AuthResult(success=ok)
    kw.update(authenticator=authenticate, auth_required=True, auth_require_tls=bool(cert))
c = Controller(Mailbox(maildir), hostname=host, port=int(port), **kw)
c.start()
print("ready", flush=True)
try:
    sys.stdin.read()
finally:
    c.stop()
`

// Available reports whether python3-aiosmtpd can run here.
func Available() bool {
	return exec.Command(Python, "-c", "import aiosmtpd.controller").Run() == nil
}

// Require skips the test without python3-aiosmtpd, or fails it under
// CI=true.
func Require(t testing.TB) {
	t.Helper()
	if Available() {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s cannot import aiosmtpd: install python3-aiosmtpd (.ci/run does)", Python)
	}
	t.Skipf("%s cannot import aiosmtpd (apt-get install python3-aiosmtpd)", Python)
}

// Options configure a Server. Cert and Key (PEM files, see SelfSigned)
// make it require STARTTLS; User and Password make it require AUTH.
type Options struct {
	Cert, Key      string
	User, Password string
	// Host is the address listened on; 127.0.0.1 when empty.
	Host string
}

// Server is a running aiosmtpd, or one not started yet (Start) on a port
// reserved for it.
type Server struct {
	t       testing.TB
	Port    int
	Maildir string
	opts    Options
	cmd     *exec.Cmd
	stdin   interface{ Close() error }
}

// New reserves a free loopback port for a server and makes its Maildir;
// the server is not running until Start, so a client meanwhile finds the
// port closed.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	Require(t)
	if opts.Host == "" {
		opts.Host = "127.0.0.1"
	}
	l, err := net.Listen("tcp", net.JoinHostPort(opts.Host, "0"))
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := &Server{t: t, Port: port, Maildir: filepath.Join(t.TempDir(), "Maildir"), opts: opts}
	t.Cleanup(s.Stop)
	return s
}

// Run is New and Start.
func Run(t testing.TB, opts Options) *Server {
	s := New(t, opts)
	s.Start()
	return s
}

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.opts.Host, strconv.Itoa(s.Port)) }

// Start starts the server and waits until it accepts connections.
func (s *Server) Start() {
	t := s.t
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "smtpd.py")
	if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(Python, path, s.opts.Host, strconv.Itoa(s.Port), s.Maildir, s.opts.Cert, s.opts.Key, s.opts.User, s.opts.Password)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s.cmd, s.stdin = cmd, stdin
	ready := make(chan bool, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		ready <- strings.TrimSpace(line) == "ready"
	}()
	select {
	case ok := <-ready:
		if !ok {
			s.Stop()
			t.Fatalf("aiosmtpd did not start: %s", stderr.String())
		}
	case <-time.After(30 * time.Second):
		s.Stop()
		t.Fatalf("aiosmtpd did not start within 30s: %s", stderr.String())
	}
}

// Stop stops the server; its Maildir stays.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	s.stdin.Close()
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
	s.cmd = nil
}

// Message is one message the server accepted.
type Message struct {
	Header mail.Header
	Body   string
	Raw    string
}

// Messages reads every message in the Maildir, in the order received.
func (s *Server) Messages() []Message {
	t := s.t
	t.Helper()
	var files []string
	for _, sub := range []string{"new", "cur"} {
		es, err := os.ReadDir(filepath.Join(s.Maildir, sub))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, e := range es {
			files = append(files, filepath.Join(s.Maildir, sub, e.Name()))
		}
	}
	// Maildir names start with the time of delivery in seconds, which does
	// not order messages within a second; order by modification time.
	type file struct {
		path string
		mod  time.Time
	}
	var fs []file
	for _, p := range files {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, file{p, fi.ModTime()})
	}
	slices.SortStableFunc(fs, func(a, b file) int { return a.mod.Compare(b.mod) })
	var out []Message
	for _, f := range fs {
		raw, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		m, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", f.path, err)
		}
		var body bytes.Buffer
		body.ReadFrom(m.Body)
		out = append(out, Message{Header: m.Header, Body: body.String(), Raw: string(raw)})
	}
	return out
}

// SelfSigned writes a self-signed certificate for 127.0.0.1 and
// localhost, and its key, to dir, and returns their paths: the server
// uses both; a client trusts the certificate as its CA.
func SelfSigned(t testing.TB, dir string) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "lifeguard smtptest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kd, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	cert, key = filepath.Join(dir, "smtp-cert.pem"), filepath.Join(dir, "smtp-key.pem")
	write := func(path, typ string, b []byte) {
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(cert, "CERTIFICATE", der)
	write(key, "PRIVATE KEY", kd)
	return cert, key
}

// String describes the server for test messages.
func (s *Server) String() string { return fmt.Sprintf("aiosmtpd on %s", s.Addr()) }
