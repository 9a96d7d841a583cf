// Package invoicepdf renders an invoice or credit note as an A4 PDF: the
// agencies' invoices and the operator's subscription invoices alike. It is
// kept apart from billing's money rules so that the stores, which use
// those, carry no PDF code.
package invoicepdf

import (
	"bytes"
	_ "embed"
	"fmt"
	"image/png"
	"io"
	"strings"
	"time"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
	"github.com/go-pdf/fpdf"

	"mintedmind/billing"
	"mintedmind/i18n"
)

// The invoice is set in DejaVu Sans Condensed, embedded, so that every
// European name and address prints (the PDF core fonts know Latin-1 only).
var (
	//go:embed fonts/DejaVuSansCondensed.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSansCondensed-Bold.ttf
	fontBold []byte
)

// PaymentLine is one payment received, as the invoice prints it.
type PaymentLine struct {
	Date      string
	Method    string
	Reference string
	Amount    int64
}

// Document is everything an invoice or credit note PDF shows. It holds
// display values only, so agencies' invoices and the operator's
// subscription invoices print the same way.
type Document struct {
	Title       string // "Invoice", "Credit note"
	Number      string
	IssueDate   string
	DueDate     string
	Currency    string
	Reference   string // e.g. "Credits invoice INV-2026-0001"
	Status      string // printed when not plain issued, e.g. "PAID", "VOID"
	Seller      billing.Party
	Buyer       billing.Party
	BankDetails []string
	// PaymentReference is the line that tells the payer how to pay, e.g.
	// "Pay 192.39 EUR to the account above with reference INV-2026-0001";
	// empty when nothing is owed.
	PaymentReference string
	// PayOnline is the address where the invoice is paid online (printed
	// as a link); EPCPayload the EPC069-12 text of a SEPA credit transfer
	// QR code (billing.EPCPayload), printed beside the payment details.
	PayOnline  string
	EPCPayload string
	Lines      []billing.Line
	Totals     billing.Totals
	// TotalDiscountBP is the discount on the total that Totals counted
	// (billing.ComputeDiscounted): printed as a row of its own under the
	// lines' sum. Lines keep their own discounts (DiscountBP), printed in
	// a column and taken off their amounts.
	TotalDiscountBP int64
	Paid            int64
	Payments        []PaymentLine // received so far, printed under the totals
	Notes           string
	// TaxNotes are the legal notes of the lines' tax presets
	// (billing.TaxNotes), printed under the totals.
	TaxNotes []string
	Logo     []byte    // PNG or JPEG, optional
	Created  time.Time // the PDF's creation date; fixed dates give identical files
	// Lang is the language its labels and amounts are printed in (i18n,
	// the client's language); "" is English.
	Lang string
	// Attestation, when set, is printed on a last page of its own: a
	// signed document's signature, signer and audit trail.
	Attestation *Attestation
	// Text, when set, is a document without lines (an agreement): printed
	// under the parties in place of the lines and totals.
	Text string
}

// Attestation is the last page of a signed document, in display values.
type Attestation struct {
	Heading       string
	SignaturePNG  []byte // a drawn signature (PNG), optional
	SignatureText string // the signature as typed, printed in large type (under a drawn one)
	Rows          [][2]string
	// Signers are further signatures, each with its own rows (an
	// agreement's signers, in their order), printed after the first.
	Signers      []AttestedSignature
	TrailHeading string
	Trail        []string
	Closing      string // e.g. the SHA-256 of the document body
}

// AttestedSignature is one signer's signature and rows on the last page.
type AttestedSignature struct {
	SignaturePNG  []byte
	SignatureText string
	Rows          [][2]string
}

// Write renders d as an A4 PDF.
func Write(w io.Writer, d Document) error {
	lang := d.Lang
	if lang == "" {
		lang = i18n.English
	}
	label := func(text string) string { return i18n.T(lang, "pdf."+text) }
	quantity := func(milli int64) string { // "1.5", "1,5" in lt and de
		q := billing.FormatQuantity(milli)
		if lang != i18n.English {
			q = strings.Replace(q, ".", ",", 1)
		}
		return q
	}
	money := func(minor int64, currency string) string {
		if lang == i18n.English {
			return billing.FormatMoney(minor, currency)
		}
		return i18n.Money(lang, minor, currency)
	}
	p := fpdf.New("P", "mm", "A4", "")
	p.SetAutoPageBreak(true, 18)
	p.SetMargins(18, 18, 18)
	p.AddUTF8FontFromBytes("dejavu", "", fontRegular)
	p.AddUTF8FontFromBytes("dejavu", "B", fontBold)
	title := d.Title + " " + d.Number
	// ASCII title in the document information, readable without a PDF
	// library (tests and search look for the number there).
	p.SetTitle(asciiOnly(title), false)
	p.SetAuthor(asciiOnly(d.Seller.Name), false)
	p.SetCreator("MintedMind", false)
	if !d.Created.IsZero() {
		p.SetCreationDate(d.Created)
		p.SetModificationDate(d.Created)
	}
	p.SetFooterFunc(func() {
		p.SetY(-12)
		p.SetFont("dejavu", "", 7)
		p.SetTextColor(120, 120, 120)
		p.CellFormat(0, 4, fmt.Sprintf("%s · %s %d/{nb}", title, label("page"), p.PageNo()), "", 0, "C", false, 0, "")
	})
	p.AliasNbPages("")
	p.AddPage()

	// Header: logo or seller name on the left, title and number on the right.
	top := p.GetY()
	if len(d.Logo) > 0 {
		kind := "PNG"
		if bytes.HasPrefix(d.Logo, []byte{0xff, 0xd8}) {
			kind = "JPG"
		}
		info := p.RegisterImageOptionsReader("logo", fpdf.ImageOptions{ImageType: kind}, bytes.NewReader(d.Logo))
		if p.Ok() && info != nil {
			p.ImageOptions("logo", 18, top, 0, 16, false, fpdf.ImageOptions{ImageType: kind}, 0, "")
		} else {
			p.ClearError() // a bad logo never stops an invoice
		}
	}
	p.SetFont("dejavu", "B", 18)
	p.SetXY(110, top)
	p.CellFormat(82, 8, d.Title, "", 2, "R", false, 0, "")
	p.SetFont("dejavu", "", 10)
	p.SetX(110)
	p.CellFormat(82, 5, d.Number, "", 2, "R", false, 0, "")
	meta := [][2]string{{label("Issue date"), d.IssueDate}}
	if d.DueDate != "" {
		meta = append(meta, [2]string{label("Due date"), d.DueDate})
	}
	for _, m := range meta {
		p.SetX(110)
		p.CellFormat(82, 5, m[0]+": "+m[1], "", 2, "R", false, 0, "")
	}
	if d.Reference != "" {
		p.SetX(110)
		p.CellFormat(82, 5, d.Reference, "", 2, "R", false, 0, "")
	}
	if d.Status != "" {
		p.SetX(110)
		p.SetFont("dejavu", "B", 11)
		p.SetTextColor(180, 30, 30)
		p.CellFormat(82, 6, d.Status, "", 2, "R", false, 0, "")
		p.SetTextColor(0, 0, 0)
	}

	// Parties.
	y := max(p.GetY(), top+22) + 6
	party := func(x float64, heading string, pt billing.Party) float64 {
		p.SetXY(x, y)
		p.SetFont("dejavu", "", 8)
		p.SetTextColor(110, 110, 110)
		p.CellFormat(84, 4, strings.ToUpper(heading), "", 2, "L", false, 0, "")
		p.SetTextColor(0, 0, 0)
		p.SetX(x)
		p.SetFont("dejavu", "B", 10)
		p.MultiCell(84, 5, pt.Name, "", "L", false)
		p.SetFont("dejavu", "", 9)
		var rows []string
		rows = append(rows, pt.Address...)
		if pt.CompanyCode != "" {
			rows = append(rows, label("Company code")+": "+pt.CompanyCode)
		}
		if pt.VATNumber != "" {
			rows = append(rows, label("VAT number")+": "+pt.VATNumber)
		}
		if pt.Email != "" {
			rows = append(rows, pt.Email)
		}
		for _, r := range rows {
			p.SetX(x)
			p.MultiCell(84, 4.5, r, "", "L", false)
		}
		return p.GetY()
	}
	end := max(party(18, label("From"), d.Seller), party(108, label("Bill to"), d.Buyer))
	p.SetY(end + 8)

	if d.Text != "" {
		p.SetFont("dejavu", "", 10)
		p.MultiCell(0, 5, d.Text, "", "L", false)
		if d.Attestation != nil {
			writeAttestation(p, d.Attestation)
		}
		if err := p.Output(w); err != nil {
			return fmt.Errorf("invoicepdf: write PDF %s: %w", d.Number, err)
		}
		return nil
	}

	// Lines.
	cols := []struct {
		head  string
		w     float64
		align string
	}{{label("Description"), 78, "L"}, {label("Qty"), 18, "R"}, {label("Unit price"), 26, "R"}, {label("VAT"), 14, "R"}, {label("Amount"), 38, "R"}}
	lineDiscounts := false
	for _, l := range d.Lines {
		lineDiscounts = lineDiscounts || l.DiscountBP != 0
	}
	if lineDiscounts { // a column for them, taken from the description's width
		cols[0].w -= 18
		cols = append(cols[:4:4], append([]struct {
			head  string
			w     float64
			align string
		}{{label("Discount"), 18, "R"}}, cols[4:]...)...)
	}
	p.SetFont("dejavu", "B", 9)
	p.SetFillColor(240, 240, 240)
	for _, c := range cols {
		p.CellFormat(c.w, 7, c.head, "B", 0, c.align, true, 0, "")
	}
	p.Ln(-1)
	p.SetFont("dejavu", "", 9)
	for _, l := range d.Lines {
		vals := []string{l.Description, quantity(l.QuantityMilli), money(l.UnitPrice, ""), billing.FormatRate(l.VATRateBP) + "%", money(l.NetAfterDiscount(), "")}
		if lineDiscounts {
			off := ""
			if l.DiscountBP != 0 {
				off = billing.FormatRate(l.DiscountBP) + "%"
			}
			vals = append(vals[:4:4], off, vals[4])
		}
		// The description wraps; the numbers sit on its first row.
		desc := p.SplitText(l.Description, cols[0].w-2)
		if len(desc) == 0 {
			desc = []string{""}
		}
		const lh, pad = 4.6, 0.9
		h := lh*float64(len(desc)) + 2*pad
		if p.GetY()+h > 297-24 {
			p.AddPage()
		}
		x, yy := p.GetX(), p.GetY()
		p.SetXY(x, yy+pad)
		p.MultiCell(cols[0].w, lh, strings.Join(desc, "\n"), "", "L", false)
		p.SetXY(x+cols[0].w, yy+pad)
		for i := 1; i < len(cols); i++ {
			p.CellFormat(cols[i].w, lh, vals[i], "", 0, cols[i].align, false, 0, "")
		}
		p.SetXY(x, yy+h)
		p.Line(x, yy+h, x+174, yy+h)
	}

	// Totals.
	p.Ln(3)
	total := func(label, value string, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		p.SetFont("dejavu", style, 10)
		p.SetX(100)
		p.CellFormat(54, 6, label, "", 0, "R", false, 0, "")
		p.CellFormat(38, 6, value, "", 1, "R", false, 0, "")
	}
	if d.TotalDiscountBP != 0 && d.Totals.TotalDiscount != 0 {
		total(label("Subtotal"), money(d.Totals.Subtotal+d.Totals.TotalDiscount, d.Currency), false)
		total(i18n.T(lang, "pdf.Discount on the total", "Rate", billing.FormatRate(d.TotalDiscountBP)), "−"+money(d.Totals.TotalDiscount, d.Currency), false)
	} else {
		total(label("Subtotal"), money(d.Totals.Subtotal, d.Currency), false)
	}
	for _, g := range d.Totals.ByRate {
		total(i18n.T(lang, "pdf.VAT on", "Rate", billing.FormatRate(g.RateBP), "Net", money(g.Net, "")), money(g.VAT, d.Currency), false)
	}
	total(label("Total"), money(d.Totals.Total, d.Currency), true)
	if d.Paid != 0 {
		total(label("Paid"), money(d.Paid, d.Currency), false)
		total(label("Amount due"), money(d.Totals.Total-d.Paid, d.Currency), true)
	}

	if len(d.TaxNotes) > 0 {
		p.Ln(3)
		p.SetFont("dejavu", "", 9)
		for _, n := range d.TaxNotes {
			p.MultiCell(0, 4.5, n, "", "L", false)
		}
	}

	if len(d.Payments) > 0 {
		p.Ln(4)
		p.SetFont("dejavu", "B", 9)
		p.CellFormat(0, 5, label("Payments received"), "", 1, "L", false, 0, "")
		p.SetFont("dejavu", "", 9)
		for _, pay := range d.Payments {
			text := pay.Date + " · " + pay.Method
			if pay.Reference != "" {
				text += " · " + pay.Reference
			}
			p.CellFormat(136, 5, text, "", 0, "L", false, 0, "")
			p.CellFormat(38, 5, money(pay.Amount, d.Currency), "", 1, "R", false, 0, "")
		}
	}

	// Payment details (the EPC QR code beside them) and notes.
	textW, qrBottom := 0.0, 0.0
	if d.EPCPayload != "" {
		p.Ln(6)
		var err error
		if qrBottom, err = epcQR(p, d.EPCPayload, label("Scan to pay (SEPA)")); err != nil {
			return fmt.Errorf("invoicepdf: EPC QR code for %s: %w", d.Number, err)
		}
		left, _, right, _ := p.GetMargins()
		w, _ := p.GetPageSize()
		textW = w - left - right - epcQRSize - 6
		p.Ln(-6)
	}
	if len(d.BankDetails) > 0 {
		p.Ln(6)
		p.SetFont("dejavu", "B", 9)
		p.CellFormat(textW, 5, label("Payment details"), "", 1, "L", false, 0, "")
		p.SetFont("dejavu", "", 9)
		for _, b := range d.BankDetails {
			p.MultiCell(textW, 4.5, b, "", "L", false)
		}
	}
	if d.PaymentReference != "" {
		p.Ln(2)
		p.SetFont("dejavu", "B", 9)
		p.MultiCell(textW, 4.5, d.PaymentReference, "", "L", false)
		p.SetFont("dejavu", "", 9)
	}
	if d.PayOnline != "" {
		p.Ln(1)
		p.SetFont("dejavu", "", 9)
		p.Write(4.5, label("Pay online")+": ")
		p.WriteLinkString(4.5, d.PayOnline, d.PayOnline)
		p.Ln(5)
	}
	if p.GetY() < qrBottom {
		p.SetY(qrBottom)
	}
	if d.Notes != "" {
		p.Ln(4)
		p.SetFont("dejavu", "B", 9)
		p.CellFormat(0, 5, label("Notes"), "", 1, "L", false, 0, "")
		p.SetFont("dejavu", "", 9)
		p.MultiCell(0, 4.5, d.Notes, "", "L", false)
	}
	if d.Attestation != nil {
		writeAttestation(p, d.Attestation)
	}
	if err := p.Output(w); err != nil {
		return fmt.Errorf("invoicepdf: write PDF %s: %w", d.Number, err)
	}
	return nil
}

// asciiOnly keeps printable ASCII, for the PDF's plain information fields.
func asciiOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 0x20 && r < 0x7f {
			b.WriteRune(r)
		} else {
			b.WriteByte('?')
		}
	}
	return b.String()
}

// epcQRSize is the printed side of the EPC QR code, in millimetres (the
// guidelines ask for at least 2 cm).
const epcQRSize = 30.0

// epcQR draws the EPC QR code of payload at the right margin from the
// current line down, with "Scan to pay" under it, and returns where it
// ends; the cursor stays where it was. Error correction M, byte mode
// (UTF-8), as EPC069-12 asks.
func epcQR(p *fpdf.Fpdf, payload, caption string) (bottom float64, err error) {
	code, err := qr.Encode(payload, qr.M, qr.Unicode)
	if err != nil {
		return 0, err
	}
	// Whole pixels per module keep the modules square in the PNG.
	side := code.Bounds().Dx() * 8
	if code, err = barcode.Scale(code, side, side); err != nil {
		return 0, err
	}
	var b bytes.Buffer
	if err := png.Encode(&b, code); err != nil {
		return 0, err
	}
	w, h := p.GetPageSize()
	_, _, right, bottomMargin := p.GetMargins()
	if p.GetY()+epcQRSize+6 > h-bottomMargin {
		p.AddPage()
	}
	x0, y0 := p.GetXY()
	x, y := w-right-epcQRSize, y0
	opts := fpdf.ImageOptions{ImageType: "PNG"}
	p.RegisterImageOptionsReader("epc-qr", opts, &b)
	p.ImageOptions("epc-qr", x, y, epcQRSize, epcQRSize, false, opts, 0, "")
	p.SetXY(x, y+epcQRSize)
	p.SetFont("dejavu", "", 7)
	p.CellFormat(epcQRSize, 4, caption, "", 0, "C", false, 0, "")
	p.SetXY(x0, y0)
	return y + epcQRSize + 4, nil
}

// writeSignature prints one signature (its image registered as name) and
// its rows.
func writeSignature(p *fpdf.Fpdf, name string, a AttestedSignature) {
	if len(a.SignaturePNG) > 0 {
		info := p.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(a.SignaturePNG))
		if p.Ok() && info != nil {
			y := p.GetY()
			if y+80*info.Height()/max(info.Width(), 1) > 297-40 {
				p.AddPage()
				y = p.GetY()
			}
			p.ImageOptions(name, 18, y, 80, 0, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
			p.SetY(y + 80*info.Height()/max(info.Width(), 1) + 2)
		} else {
			p.ClearError() // the typed name below still signs
		}
	}
	if a.SignatureText != "" {
		p.SetFont("dejavu", "B", 20)
		p.CellFormat(100, 11, a.SignatureText, "B", 1, "L", false, 0, "")
		p.Ln(4)
	}
	p.SetFont("dejavu", "", 9)
	for _, r := range a.Rows {
		p.SetFont("dejavu", "B", 9)
		p.CellFormat(44, 5, r[0], "", 0, "L", false, 0, "")
		p.SetFont("dejavu", "", 9)
		p.MultiCell(0, 5, r[1], "", "L", false)
	}
}

// writeAttestation adds the signed document's last page.
func writeAttestation(p *fpdf.Fpdf, a *Attestation) {
	p.AddPage()
	p.SetFont("dejavu", "B", 14)
	p.CellFormat(0, 8, a.Heading, "", 1, "L", false, 0, "")
	p.Ln(3)
	signers := append([]AttestedSignature{{SignaturePNG: a.SignaturePNG, SignatureText: a.SignatureText, Rows: a.Rows}}, a.Signers...)
	for i, sg := range signers {
		if i > 0 {
			p.Ln(6)
		}
		writeSignature(p, fmt.Sprintf("signature-%d", i), sg)
	}
	if len(a.Trail) > 0 {
		p.Ln(5)
		p.SetFont("dejavu", "B", 10)
		p.CellFormat(0, 6, a.TrailHeading, "", 1, "L", false, 0, "")
		p.SetFont("dejavu", "", 9)
		for _, t := range a.Trail {
			p.MultiCell(0, 4.8, t, "", "L", false)
		}
	}
	if a.Closing != "" {
		p.Ln(5)
		p.SetFont("dejavu", "", 8)
		p.MultiCell(0, 4.5, a.Closing, "", "L", false)
	}
}
