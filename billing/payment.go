package billing

// ProviderPaysera names Paysera as the provider of a payment.
const ProviderPaysera = "paysera"

// ProviderOrder is what a payment provider's order asks to be paid, as the
// store that owns the invoice recorded it when the payment was requested:
// an agency's Paysera order (db/tenant) or a subscription invoice paid
// through the operator's project (db/control).
type ProviderOrder struct {
	OrderID   string
	InvoiceID string
	Label     string // the invoice's number, for the logs
	Amount    int64  // minor units: a callback must report exactly this
	Currency  string
	// Test is whether the payment was requested in test mode, when the
	// store recorded it (agencies' orders do; subscription invoices are
	// paid under their own id and keep no such record).
	Test *bool
}

// ProviderPayment is a payment a provider reports, verified and checked,
// as the store records it.
type ProviderPayment struct {
	Provider  string // ProviderPaysera
	OrderID   string
	RequestID string // the provider's id of the payment
	Amount    int64  // minor units
	Currency  string
	Test      bool
}

// OverpaymentResult is what keeping a provider payment that its invoice
// no longer took in full did (an agency's invoice or a subscription
// invoice: one rule, SplitOverpayment, for both).
type OverpaymentResult struct {
	Duplicate   bool   // the provider payment had been recorded before: nothing changed
	InvoiceID   string // the invoice the order was for
	Invoice     string // its label
	Applied     int64  // the part that paid what the invoice still owed (0 when it owed nothing)
	Overpaid    int64  // the part kept as an overpayment
	Currency    string
	Reason      string
	Overpayment string // the overpayment's id
}

// SplitOverpayment splits a payment of amount for an invoice that still
// owes owed (0 when paid or void): what pays the invoice, and what is kept
// to refund or credit.
func SplitOverpayment(owed, amount int64) (applied, kept int64) {
	applied = max(0, min(owed, amount))
	return applied, amount - applied
}

// How an overpayment was settled.
const (
	SettledRefunded = "refunded" // the money went back to the payer
	SettledCredited = "credited" // kept as credit towards the payer's next invoice
)

// SettlementLabel says how an overpayment was settled, for people; "" for
// an unknown way (which is refused).
func SettlementLabel(how string) string {
	switch how {
	case SettledRefunded:
		return "Refunded"
	case SettledCredited:
		return "Credited"
	}
	return ""
}
