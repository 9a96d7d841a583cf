package handlers

// taxRoutes are issue 22's tax settings: the agency's default VAT rate
// and its named tax presets, for owners and admins.
var taxRoutes = []Route{
	get("/a/:slug/settings/tax", Admin, (*Handlers).TaxSettings),
	post("/a/:slug/settings/tax", Admin, (*Handlers).TaxDefaultUpdate),
	post("/a/:slug/settings/tax/presets", Admin, (*Handlers).TaxPresetCreate),
	post("/a/:slug/settings/tax/presets/:id/archive", Admin, (*Handlers).TaxPresetArchive),
	get("/a/:slug/settings/tax/presets/:id", Admin, (*Handlers).TaxPresetEdit),
	post("/a/:slug/settings/tax/presets/:id", Admin, (*Handlers).TaxPresetUpdate),
}
