package demodata

import "mintedmind/billing"

// The words demo data is made of. Lists, not a corpus: Generate combines
// them with a seeded random source, so a seed always gives the same agency.

var demoFirstNames = []string{
	"Maria", "Martin", "Anna", "Thomas", "Laura", "Daniel", "Sofia", "Lukas", "Emma", "Jonas",
	"Olivia", "Noah", "Mia", "Elias", "Clara", "Felix", "Hannah", "Paul", "Lea", "Ben",
	"Julia", "Leon", "Sarah", "David", "Nina", "Samuel", "Eva", "Jakob", "Marta", "Oskar",
	"Ines", "Tomas", "Greta", "Hugo", "Alice", "Victor", "Rosa", "Adam", "Zofia", "Marek",
	"Irene", "Pablo", "Lucia", "Mateo", "Chloe", "Louis", "Amelie", "Henrik", "Astrid", "Nils",
	"Petra", "Karl", "Vera", "Ivan", "Elena", "Mikael", "Ada", "Grace", "Alan", "Margaret",
}

var demoLastNames = []string{
	"Garcia", "Müller", "Schmidt", "Novak", "Rossi", "Dubois", "Jansen", "Nielsen", "Kowalski", "Silva",
	"Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Martin", "Bernard", "Moreau", "Laurent",
	"Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Horvat", "Kovac", "Varga", "Nagy", "Toth",
	"Andersen", "Larsen", "Berg", "Lindqvist", "Virtanen", "Korhonen", "O'Brien", "Murphy", "Walsh", "Byrne",
	"Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Thomas", "Roberts", "Johnson", "Lewis",
	"Petrov", "Ivanova", "Popescu", "Dimitrov", "Kazlauskas", "Ozols", "Tamm", "Lovelace", "Hopper", "Turing",
}

var demoCompanyStems = []string{
	"Northwind", "Bluebird", "Evergreen", "Silverline", "Redwood", "Brightway", "Harbor", "Summit", "Oakridge", "Riverside",
	"Granite", "Lighthouse", "Maple", "Pioneer", "Quantum", "Sterling", "Sunrise", "Crescent", "Atlas", "Beacon",
	"Cobalt", "Falcon", "Juniper", "Keystone", "Meridian", "Nimbus", "Orchard", "Polaris", "Saffron", "Willow",
	"Amber", "Cedar", "Horizon", "Ironwood", "Lakeside", "Mosaic", "Nordic", "Opal", "Prairie", "Vertex",
}

var demoCompanyTrades = []string{
	"Logistics", "Bakery", "Dental", "Architects", "Software", "Consulting", "Construction", "Foods", "Design", "Print",
	"Motors", "Pharmacy", "Travel", "Media", "Textiles", "Energy", "Farms", "Furniture", "Optics", "Clinic",
}

var demoCompanyForms = []string{"Ltd", "GmbH", "SA", "AB", "BV", "Oy", "SRL", "UAB", "AS", "& Sons"}

// demoCities are (city, country code, postal code prefix) triples.
var demoCities = [][3]string{
	{"Berlin", "DE", "10"}, {"Munich", "DE", "80"}, {"Hamburg", "DE", "20"}, {"Vienna", "AT", "1"}, {"Zurich", "CH", "80"},
	{"Paris", "FR", "75"}, {"Lyon", "FR", "69"}, {"Madrid", "ES", "28"}, {"Barcelona", "ES", "08"}, {"Lisbon", "PT", "1"},
	{"Milan", "IT", "20"}, {"Rome", "IT", "00"}, {"Amsterdam", "NL", "10"}, {"Rotterdam", "NL", "30"}, {"Brussels", "BE", "10"},
	{"Copenhagen", "DK", "1"}, {"Stockholm", "SE", "11"}, {"Oslo", "NO", "01"}, {"Helsinki", "FI", "00"}, {"Tallinn", "EE", "10"},
	{"Riga", "LV", "10"}, {"Vilnius", "LT", "01"}, {"Warsaw", "PL", "00"}, {"Krakow", "PL", "30"}, {"Prague", "CZ", "11"},
	{"Budapest", "HU", "10"}, {"Ljubljana", "SI", "10"}, {"Zagreb", "HR", "10"}, {"Dublin", "IE", "D0"}, {"Edinburgh", "GB", "EH"},
}

var demoCountryNames = map[string]string{
	"DE": "Germany", "AT": "Austria", "CH": "Switzerland", "FR": "France", "ES": "Spain", "PT": "Portugal", "IT": "Italy",
	"NL": "Netherlands", "BE": "Belgium", "DK": "Denmark", "SE": "Sweden", "NO": "Norway", "FI": "Finland", "EE": "Estonia",
	"LV": "Latvia", "LT": "Lithuania", "PL": "Poland", "CZ": "Czechia", "HU": "Hungary", "SI": "Slovenia", "HR": "Croatia",
	"IE": "Ireland", "GB": "United Kingdom",
}

var demoStreets = []string{
	"Main Street", "Station Road", "Harbour Lane", "Market Square", "Church Street", "Park Avenue", "Mill Road",
	"Garden Way", "King Street", "Bridge Street", "Castle Hill", "Linden Alley", "River Walk", "Old Town Road",
}

var demoTags = []string{"vip", "new", "tax", "payroll", "legal", "retainer", "referral", "eu", "priority", "seasonal", "nonprofit", "startup"}

var demoLabels = []string{"billing", "documents", "urgent", "follow-up", "compliance", "onboarding", "renewal", "dispute", "audit", "contract"}

// demoCaseSubjects are what a case is about; each becomes a title with a
// pattern from demoTitlePatterns.
var demoCaseSubjects = []string{
	"annual tax return", "VAT registration", "payroll setup", "trademark application", "lease agreement",
	"employment contract", "shareholder agreement", "quarterly bookkeeping", "grant application", "insurance claim",
	"website privacy policy", "supplier dispute", "debt collection", "company formation", "work permit",
	"pension scheme", "customs declaration", "property purchase", "data protection audit", "board minutes",
	"merger due diligence", "invoice reconciliation", "subsidy report", "license renewal", "franchise agreement",
}

var demoTitlePatterns = []string{
	"%s %d", "Review of the %s", "%s for %s", "Prepare %s", "Update the %s", "%s: next steps", "Questions about the %s",
}

// demoSentences are the building blocks of case descriptions and notes.
// Some words recur on purpose, so that a search benchmark has common terms
// ("client", "documents") next to rare ones.
var demoSentences = []string{
	"The client asked us to check the documents before the deadline.",
	"Please send the signed copy back to the client by email.",
	"We are waiting on the client for the missing bank statements.",
	"Called the client and explained the next steps.",
	"The documents arrived by post and were scanned into the file.",
	"Drafted a first version and shared it for review.",
	"The authority confirmed receipt of the application.",
	"Reminder sent: the invoice is still open.",
	"The client prefers a meeting on Thursday morning.",
	"Checked the figures against last year's return.",
	"The contract needs a clause about early termination.",
	"Asked the accountant for the opening balance.",
	"The client confirmed the address change.",
	"Filed the form online; the reference number is in the documents.",
	"Spoke with the landlord's lawyer about the deposit.",
	"The payment plan was accepted.",
	"Escalated to the partner because of the amount involved.",
	"The translation of the certificate is still missing.",
	"Booked a call with the client's finance team.",
	"We need a power of attorney before we can act.",
	"Received a question from the tax office; answer due in two weeks.",
	"The client is travelling until the end of the month.",
	"Archived the old correspondence.",
	"Sent the draft to the client for comments.",
	"Agreed on a fixed fee for this work.",
}

// demoRareWords appear now and then, so that searches for them are selective.
var demoRareWords = []string{
	"zeppelin", "quokka", "marzipan", "obsidian", "tamarind", "fjord", "kumquat", "zircon", "vellum", "xylophone",
}

var demoDocuments = []string{
	"signed-contract.pdf", "bank-statement.pdf", "id-card-scan.jpg", "invoice-copy.pdf", "power-of-attorney.pdf",
	"tax-return-draft.xlsx", "meeting-minutes.docx", "certificate.pdf", "payslips.zip", "lease.pdf",
}

// demoContactMessages are what the portal client's contact writes on their cases.
var demoContactMessages = []string{
	"Thank you, I have uploaded the bank statements.",
	"Could we move our meeting to next week?",
	"Is there anything else you need from us?",
	"I signed the form and sent it by post this morning.",
	"When can we expect the first draft?",
	"Please use our new address on the next invoices.",
	"The tax office sent us a letter; a photo of it is attached.",
	"Thanks for the quick answer!",
	"Our accountant will send the opening balance on Monday.",
	"Can you confirm that the application went out?",
}

// demoClientReplies are what staff write for the client to read.
var demoClientReplies = []string{
	"We have received your documents, thank you.",
	"The draft is ready for your review; comments are welcome here.",
	"We filed the application today and will let you know when we hear back.",
	"Please sign the attached form and upload it here.",
	"Your return has been submitted; the confirmation is in the documents.",
	"Could you send us last year's bank statements?",
	"We will call you on Thursday to go through the figures.",
	"The authority confirmed receipt of the application.",
	"Good news: the registration was approved.",
	"A reminder that the signed copy is still missing.",
}

// demoLineItem is a kind of invoice line: its text, unit price in cents,
// quantity range in thousandths (in steps of step) and VAT rate in basis points.
type demoLineItem struct {
	text                 string
	unitPrice            int64
	minQty, maxQty, step int64
	vatBP                int64
}

var demoLineItems = []demoLineItem{
	{"Bookkeeping, hours", 6500, 1000, 24000, 250, 2100},
	{"Tax advice, hours", 9500, 500, 8000, 250, 2100},
	{"Legal review, hours", 12000, 500, 10000, 250, 2100},
	{"Preparation of the annual tax return", 45000, 1000, 1000, 1000, 2100},
	{"Payroll processing, per employee", 1800, 3000, 40000, 1000, 2100},
	{"Translation of documents, pages", 3500, 1000, 12000, 1000, 2100},
	{"Company formation package", 89000, 1000, 1000, 1000, 2100},
	{"Registry filing fee (disbursement)", 6000, 1000, 1000, 1000, 0},
	{"Notary fee (disbursement)", 8550, 1000, 1000, 1000, 0},
	{"Courier and postage", 1450, 1000, 3000, 1000, 2100},
	{"Workshop for the client's team", 30000, 1000, 2000, 500, 900},
}

// demoRecurringTemplates are the recurring invoices: what they bill and how often.
var demoRecurringTemplates = []struct {
	notes     string
	frequency string
	interval  int
	lines     []billing.Line
}{
	{"Monthly bookkeeping and payroll.", billing.Monthly, 1, []billing.Line{
		{Description: "Monthly bookkeeping package", QuantityMilli: 1000, UnitPrice: 42000, VATRateBP: 2100},
		{Description: "Payroll processing, per employee", QuantityMilli: 6000, UnitPrice: 1800, VATRateBP: 2100}}},
	{"Registered office and mail handling.", billing.Quarterly, 1, []billing.Line{
		{Description: "Registered office service, one quarter", QuantityMilli: 1000, UnitPrice: 15000, VATRateBP: 2100}}},
	{"Legal advice retainer.", billing.Monthly, 1, []billing.Line{
		{Description: "Legal advice retainer, up to 5 hours", QuantityMilli: 1000, UnitPrice: 50000, VATRateBP: 2100}}},
	{"VAT returns, every two months.", billing.EveryN, 2, []billing.Line{
		{Description: "VAT return preparation and filing", QuantityMilli: 1000, UnitPrice: 18500, VATRateBP: 2100}}},
	{"Annual compliance package.", billing.Yearly, 1, []billing.Line{
		{Description: "Annual accounts and compliance", QuantityMilli: 1000, UnitPrice: 240000, VATRateBP: 2100},
		{Description: "Registry filing fee (disbursement)", QuantityMilli: 1000, UnitPrice: 6000, VATRateBP: 0}}},
}

var demoVoidReasons = []string{
	"Issued to the wrong company address.",
	"Duplicate of an earlier invoice.",
	"The client cancelled the order before the work began.",
	"Wrong VAT rate; issued again.",
}

// demoDocumentKinds are the documents put on cases: a name pattern (%d,
// if any, a small number) and what the file is.
var demoDocumentKinds = []struct {
	name, kind string
}{
	{"Signed engagement letter.pdf", "pdf"}, {"Tax return draft.pdf", "pdf"}, {"Bank statements Q%d.pdf", "pdf"},
	{"Power of attorney.pdf", "pdf"}, {"Meeting minutes.pdf", "pdf"}, {"Quote %d.pdf", "pdf"},
	{"Office visit %d.jpg", "photo"}, {"Receipt photo.jpg", "photo"}, {"Whiteboard after the workshop.jpg", "photo"},
	{"Cash flow chart.png", "chart"}, {"Revenue by quarter.png", "chart"},
}

// demoContactDocuments are what the portal client's contact uploads.
var demoContactDocuments = []struct {
	name, kind string
}{
	{"Letter from the tax office.pdf", "pdf"}, {"Photo of the contract page %d.jpg", "photo"}, {"Our sales figures.png", "chart"},
}
