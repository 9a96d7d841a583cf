package handlers

// Privacy: the policy and cookie pages, consent, analytics, people's data
// rights, agency archives.
var privacyRoutes = []Route{
	// The policy, the cookies and the consent choice.
	get("/privacy", Public, (*Handlers).Privacy),
	get("/a/:slug/privacy-notice", AgencyPublic, (*Handlers).AgencyPrivacyNotice),
	get("/cookies", Public, (*Handlers).Cookies),
	post("/consent", Public, (*Handlers).Consent),
	get("/a/:slug/cookies", AgencyPublic, (*Handlers).AgencyCookies),
	post("/a/:slug/consent", AgencyPublic, (*Handlers).AgencyConsent),
	post("/operator/consent", Operator, (*Handlers).OperatorConsent),

	// Each person's rights: see and correct, download, ask for deletion.
	get("/a/:slug/account/data", SignedIn, (*Handlers).MyData),
	post("/a/:slug/account/profile", SignedIn, (*Handlers).CorrectProfile, WritableWhenSuspended),
	get("/a/:slug/account/data.zip", SignedIn, (*Handlers).MyDataDownload),
	post("/a/:slug/account/deletion", SignedIn, (*Handlers).RequestDeletion, WritableWhenSuspended),

	// Agency tools: one client's export and erasure, people's requests, the
	// whole agency's archive.
	get("/a/:slug/clients/:id/export.zip", Staff, (*Handlers).ClientExportZip),
	get("/a/:slug/clients/:id/erase", Admin, (*Handlers).ClientEraseForm),
	post("/a/:slug/clients/:id/erase", Admin, (*Handlers).ClientErase),
	get("/a/:slug/privacy", Admin, (*Handlers).AgencyPrivacy),
	post("/a/:slug/privacy/settings", Admin, (*Handlers).AgencyPrivacySettings),
	post("/a/:slug/privacy/notice", Admin, (*Handlers).AgencyPrivacyNoticeSave),
	post("/a/:slug/privacy/requests/:id/erase", Admin, (*Handlers).DeletionErase),
	post("/a/:slug/privacy/requests/:id/decline", Admin, (*Handlers).DeletionDecline),
	get("/a/:slug/archive.tar.gz", Owner, (*Handlers).AgencyArchiveDownload),

	// The operator: analytics, the policy text, archived agencies.
	get("/operator/privacy", Operator, (*Handlers).OperatorPrivacy),
	post("/operator/privacy/policy", Operator, (*Handlers).OperatorPolicySave),
	post("/operator/privacy/controller", Operator, (*Handlers).OperatorPrivacyControllerSave),
	get("/operator/agencies/:id/archive.tar.gz", Operator, (*Platform).OperatorAgencyArchive),
	post("/operator/agencies/:id/restore", Operator, (*Platform).OperatorAgencyRestore),
}
