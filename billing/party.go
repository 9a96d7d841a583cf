package billing

// Party is a seller or buyer as an invoice names them.
type Party struct {
	Name        string
	Address     []string // lines
	CompanyCode string
	VATNumber   string
	Email       string
}
