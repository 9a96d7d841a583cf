package handlers

// Privacy: the policy and cookie pages, consent, analytics, people's data
// rights, agency archives.
var privacyRoutes = []Route{
	// The policy, the cookies and the consent choice.
	{"GET", "/privacy", Public, (*Handlers).Privacy},
	{"GET", "/cookies", Public, (*Handlers).Cookies},
	{"POST", "/consent", Public, (*Handlers).Consent},
	{"GET", "/a/:slug/cookies", AgencyPublic, (*Handlers).Cookies},
	{"POST", "/a/:slug/consent", AgencyPublic, (*Handlers).AgencyConsent},
	{"POST", "/operator/consent", Operator, (*Handlers).OperatorConsent},

	// Each person's rights: see and correct, download, ask for deletion.
	{"GET", "/a/:slug/account/data", SignedIn, (*Handlers).MyData},
	{"POST", "/a/:slug/account/profile", SignedIn, (*Handlers).CorrectProfile},
	{"GET", "/a/:slug/account/data.zip", SignedIn, (*Handlers).MyDataDownload},
	{"POST", "/a/:slug/account/deletion", SignedIn, (*Handlers).RequestDeletion},

	// Agency tools: one client's export and erasure, people's requests, the
	// whole agency's archive.
	{"GET", "/a/:slug/clients/:id/export.zip", Staff, (*Handlers).ClientExportZip},
	{"GET", "/a/:slug/clients/:id/erase", Admin, (*Handlers).ClientEraseForm},
	{"POST", "/a/:slug/clients/:id/erase", Admin, (*Handlers).ClientErase},
	{"GET", "/a/:slug/privacy", Admin, (*Handlers).AgencyPrivacy},
	{"POST", "/a/:slug/privacy/settings", Admin, (*Handlers).AgencyPrivacySettings},
	{"POST", "/a/:slug/privacy/requests/:id/erase", Admin, (*Handlers).DeletionErase},
	{"POST", "/a/:slug/privacy/requests/:id/decline", Admin, (*Handlers).DeletionDecline},
	{"GET", "/a/:slug/archive.tar.gz", Owner, (*Handlers).AgencyArchiveDownload},

	// The operator: analytics, the policy text, archived agencies.
	{"GET", "/operator/privacy", Operator, (*Handlers).OperatorPrivacy},
	{"POST", "/operator/privacy/policy", Operator, (*Handlers).OperatorPolicySave},
	{"GET", "/operator/agencies/:id/archive.tar.gz", Operator, (*Handlers).OperatorAgencyArchive},
	{"POST", "/operator/agencies/:id/restore", Operator, (*Handlers).OperatorAgencyRestore},
}
