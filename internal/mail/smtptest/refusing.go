package smtptest

import (
	"bufio"
	"net"
	"strings"
	"testing"
)

// Refusing runs an SMTP server on a loopback port that refuses every
// recipient with the reply line that reply makes of the address given in
// RCPT TO (such as "550 5.1.1 <x@y>: User unknown": real servers often
// quote the address back, some in another case), and returns its address. aiosmtpd accepts every recipient, so this speaks
// the few commands itself; it offers no STARTTLS, which a sender allows to
// a loopback address.
func Refusing(t testing.TB, reply func(rcpt string) string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go converse(conn, reply)
		}
	}()
	return ln.Addr().String()
}

func converse(conn net.Conn, reply func(string) string) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	conn.Write([]byte("220 relay.example ESMTP\r\n"))
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		switch strings.ToUpper(strings.Fields(line + " x")[0]) {
		case "EHLO", "HELO", "MAIL", "RSET", "NOOP":
			conn.Write([]byte("250 ok\r\n"))
		case "RCPT":
			rcpt := strings.TrimSpace(line[strings.IndexByte(line, ':')+1:])
			conn.Write([]byte(strings.ReplaceAll(reply(strings.Trim(rcpt, "<>")), "\r\n", " ") + "\r\n"))
		case "QUIT":
			conn.Write([]byte("221 bye\r\n"))
			return
		default:
			conn.Write([]byte("502 not implemented\r\n"))
		}
	}
}
