package handlers

// shellRoutes are the rows of what every page's shell offers besides the
// pages themselves: the search box's dropdown, and what search engines
// read (robots.txt and the sitemap of the public pages).
var shellRoutes = []Route{
	get("/robots.txt", Public, (*Handlers).Robots),
	get("/sitemap.xml", Public, (*Handlers).Sitemap),
	get("/a/:slug/search/suggest", Staff, (*Handlers).SearchSuggest),
}
