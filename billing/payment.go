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
