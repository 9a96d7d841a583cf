package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"mintedmind/auth"
	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

func TestDemoCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	args := []string{"demo", "-data", dir, "-base-url", "https://crm.example.com", "-clients", "12", "-cases", "30", "-events", "400", "-seed", "3"}
	var out, errs bytes.Buffer
	if err := run(ctx, args, &out, &errs); err != nil {
		t.Fatalf("%v\n%s\n%s", err, out.String(), errs.String())
	}
	text := out.String()
	for _, want := range []string{
		"https://crm.example.com/a/demo/login",
		"owner@demo.example", "admin@demo.example", "staff1@demo.example", "staff2@demo.example", "client@demo.example",
		"Created 12 clients, 30 cases, 400 history events",
		"Case numbers: C-0001 to C-0030.",
		"A case with 200 history events: C-0016 https://crm.example.com/a/demo/cases/",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	m := regexp.MustCompile(`Password for every sign-in: (\S+)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no password in:\n%s", text)
	}
	password := m[1]

	t.Run("every printed sign-in works, through the login directory", func(t *testing.T) {
		control, err := control.Open(ctx, dir, controlSchema, clock.System{})
		if err != nil {
			t.Fatal(err)
		}
		defer control.Close()
		pool, err := tenant.NewPool(dir, tenantSchema, tenant.PoolConfig{MaxOpen: 2, IdleTimeout: time.Hour}, clock.System{}, newLogger(&config{}, &errs))
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		hasher := auth.NewHasher(auth.DefaultParams, 1)
		for email, role := range map[string]string{
			"owner@demo.example": tenant.RoleOwner, "admin@demo.example": tenant.RoleAdmin, "staff1@demo.example": tenant.RoleStaff,
			"staff2@demo.example": tenant.RoleStaff, "client@demo.example": tenant.RoleClient,
		} {
			agencies, err := control.AgenciesForEmail(ctx, email)
			if err != nil || len(agencies) != 1 || agencies[0].Slug != "demo" {
				t.Fatalf("%s in the directory: %v %v", email, agencies, err)
			}
			tn, release, err := pool.Acquire(ctx, agencies[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			u, err := tn.UserByEmail(ctx, email)
			release()
			if err != nil || u.Role != role {
				t.Fatalf("%s: %v %v", email, u, err)
			}
			if ok, err := hasher.Verify(ctx, u.PasswordHash, password); err != nil || !ok {
				t.Errorf("%s: the printed password does not match (%v)", email, err)
			}
		}
	})

	t.Run("a taken slug is a clear error", func(t *testing.T) {
		var out bytes.Buffer
		err := run(ctx, args, &out, &out)
		if err == nil || !strings.Contains(err.Error(), `"demo" already exists`) || !strings.Contains(err.Error(), "-slug") {
			t.Fatalf("%v", err)
		}
	})

	t.Run("another slug makes a second demo agency", func(t *testing.T) {
		var out bytes.Buffer
		if err := run(ctx, []string{"demo", "-data", dir, "-slug", "demo-two", "-clients", "1", "-cases", "1", "-events", "1"}, &out, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "/a/demo-two/login") || !strings.Contains(out.String(), "owner@demo-two.example") {
			t.Errorf("%s", out.String())
		}
	})

	for name, bad := range map[string][]string{
		"-events":   {"-cases", "10", "-events", "5"},
		"-cases":    {"-cases", "2000000"},
		"-clients":  {"-clients", "-3"},
		"-slug":     {"-slug", "Not A Slug"},
		"-slug too": {"-slug", "admin"},
	} {
		t.Run("a bad "+name+" is refused before anything is created", func(t *testing.T) {
			d := t.TempDir()
			var out bytes.Buffer
			err := run(ctx, append([]string{"demo", "-data", d}, bad...), &out, &out)
			flagName := strings.Fields(name)[0]
			if err == nil || !strings.Contains(err.Error(), flagName) {
				t.Fatalf("%v", err)
			}
		})
	}
}
