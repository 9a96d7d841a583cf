package demodata

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
