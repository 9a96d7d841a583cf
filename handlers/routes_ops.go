package handlers

// Operations: metrics and other operator-facing endpoints outside the console.
var opsRoutes = []Route{}
