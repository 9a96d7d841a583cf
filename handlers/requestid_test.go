package handlers_test

import (
	"testing"

	"mintedmind/handlers"
)

func TestRequestID(t *testing.T) {
	t.Parallel()
	t.Run("a trusted proxy's request id is kept", func(t *testing.T) {
		e := mustNewEnv(t, func(c *handlers.Config) { c.TrustedProxies = []string{"0.0.0.0"} })
		c := e.newClient()
		c.headers["X-Request-ID"] = "fly-01HZX:abc.def_1"
		if got := c.get("/livez").Header.Get("X-Request-ID"); got != "fly-01HZX:abc.def_1" {
			t.Fatalf("X-Request-ID = %q", got)
		}
		c.headers["X-Request-ID"] = "bad id\x01<script>"
		if got := c.get("/livez").Header.Get("X-Request-ID"); got == "" || got == c.headers["X-Request-ID"] {
			t.Fatalf("an unsafe id was kept or none made: %q", got)
		}
	})
	t.Run("anyone else's is replaced", func(t *testing.T) {
		e := mustNewEnv(t)
		c := e.newClient()
		c.headers["X-Request-ID"] = "chosen-by-the-client"
		if got := c.get("/livez").Header.Get("X-Request-ID"); got == "" || got == "chosen-by-the-client" {
			t.Fatalf("X-Request-ID = %q", got)
		}
	})
}
