package handlers

// taxRoutes are issue 22's tax settings: the agency's default VAT rate,
// its named tax presets and its catalogue of items, for owners and admins.
var taxRoutes = []Route{
	get("/a/:slug/settings/tax", Admin, (*Handlers).TaxSettings),
	post("/a/:slug/settings/tax", Admin, (*Handlers).TaxDefaultUpdate),
	post("/a/:slug/settings/tax/presets", Admin, (*Handlers).TaxPresetCreate),
	post("/a/:slug/settings/tax/presets/:id/archive", Admin, (*Handlers).TaxPresetArchive),
	get("/a/:slug/settings/tax/presets/:id", Admin, (*Handlers).TaxPresetEdit),
	post("/a/:slug/settings/tax/presets/:id", Admin, (*Handlers).TaxPresetUpdate),
	// The catalogue of priced items that invoice, quote and recurring lines
	// are picked from (staff pick through the editors' line routes).
	get("/a/:slug/settings/catalogue", Admin, (*Handlers).CatalogueSettings),
	post("/a/:slug/settings/catalogue", Admin, (*Handlers).CatalogueItemCreate),
	get("/a/:slug/settings/catalogue/:id", Admin, (*Handlers).CatalogueItemEdit),
	post("/a/:slug/settings/catalogue/:id", Admin, (*Handlers).CatalogueItemUpdate),
	post("/a/:slug/settings/catalogue/:id/archive", Admin, (*Handlers).CatalogueItemArchive),
}
