// Starts swagger-ui on our own OpenAPI document. A file, not an inline script,
// so the page's Content-Security-Policy can forbid inline code.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    tryItOutEnabled: true,
    persistAuthorization: true,
    // A box above the list that narrows it to matching tags: the gateway alone has 95 operations.
    filter: true,
  });
});
