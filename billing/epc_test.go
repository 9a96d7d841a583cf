package billing

import (
	"strings"
	"testing"
)

// The EPC QR text is EPC069-12's fields in their order, one a line:
// BCD, 002, 1 (UTF-8), SCT, BIC, name, IBAN, EUR amount, purpose,
// structured reference, unstructured reference.
func TestEPCPayloadFieldOrder(t *testing.T) {
	t.Parallel()
	got, err := EPCPayload(EPCPayment{Name: "Žalia Studija UAB", IBAN: "lt12 1000 0111 0100 1000", BIC: "habalt22", Amount: 141150, Reference: "INV-2026-0001"})
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Split(got, "\n")
	want := []struct{ name, value string }{
		{"service tag", "BCD"}, {"version", "002"}, {"character set", "1"}, {"identification", "SCT"}, {"BIC", "HABALT22"},
		{"beneficiary name", "Žalia Studija UAB"}, {"IBAN", "LT121000011101001000"}, {"amount", "EUR1411.50"}, {"purpose", ""},
		{"structured reference", ""}, {"unstructured reference", "INV-2026-0001"},
	}
	if len(fields) != len(want) {
		t.Fatalf("%d fields, want %d: %q", len(fields), len(want), got)
	}
	for i, w := range want {
		if fields[i] != w.value {
			t.Errorf("field %d (%s) = %q, want %q", i+1, w.name, fields[i], w.value)
		}
	}
	if strings.HasSuffix(got, "\n") || len(got) > 331 {
		t.Fatalf("trailing line feed or too long: %q", got)
	}
	t.Run("without a BIC the field is empty (version 002)", func(t *testing.T) {
		got, _ := EPCPayload(EPCPayment{Name: "A", IBAN: "LT121000011101001000", Amount: 1, Reference: "R"})
		if f := strings.Split(got, "\n"); f[4] != "" || f[7] != "EUR0.01" {
			t.Fatalf("%q", got)
		}
	})
	for what, p := range map[string]EPCPayment{
		"a wrong check digit": {Name: "A", IBAN: "LT131000011101001000", Amount: 100},
		"no amount":           {Name: "A", IBAN: "LT121000011101001000"},
		"no name":             {IBAN: "LT121000011101001000", Amount: 100},
		"too much":            {Name: "A", IBAN: "LT121000011101001000", Amount: 100_000_000_000},
	} {
		if _, err := EPCPayload(p); err == nil {
			t.Errorf("%s: accepted", what)
		}
	}
}

// The IBAN is found in bank details as people type them.
func TestFindIBAN(t *testing.T) {
	t.Parallel()
	for details, want := range map[string][2]string{
		"IBAN: LT12 1000 0111 0100 1000\nSWIFT: HABALT22":                 {"LT121000011101001000", "HABALT22"},
		"Bank: Swedbank\nAccount DE89370400440532013000, BIC COBADEFFXXX": {"DE89370400440532013000", "COBADEFFXXX"},
		"Account 12345678, sort code 10-20-30":                            {"", ""},
		"IBAN: LT13 1000 0111 0100 1000":                                  {"", ""},
	} {
		iban, bic := FindIBAN(details)
		if iban != want[0] || bic != want[1] {
			t.Errorf("FindIBAN(%q) = %q, %q; want %q, %q", details, iban, bic, want[0], want[1])
		}
	}
}
