package control_test

import (
	"context"
	"testing"

	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/db/dbtest"
)

func TestControlMigrations(t *testing.T) {
	t.Parallel()
	t.Run("reopening the control database applies nothing twice", func(t *testing.T) {
		dir := t.TempDir()
		c := clock.NewManual(testStart)
		first, err := control.Open(context.Background(), dir, dbtest.ControlSchema(t), c)
		if err != nil {
			t.Fatal(err)
		}
		first.Close()
		mustOpenControl(t, dir, c)
	})
}
