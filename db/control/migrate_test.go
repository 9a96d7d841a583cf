package control_test

import (
	"testing"

	"mintedmind/clock"
)

func TestControlMigrations(t *testing.T) {
	t.Parallel()
	onEachEngine(t, func(t *testing.T, e engine) {
		t.Run("reopening the control database applies nothing twice", func(t *testing.T) {
			dir := e.fresh(t)
			c := clock.NewManual(testStart)
			first, err := openControl(t, dir, c)
			if err != nil {
				t.Fatal(err)
			}
			first.Close()
			mustOpenControl(t, dir, c)
		})
	})
}
