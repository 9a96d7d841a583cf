package handlers

// Privacy: the policy and cookie pages, consent, analytics, people's data
// rights, agency archives.
var privacyRoutes = []Route{}
