// rhi page behaviour. No inline scripts anywhere: the CSP forbids them.
"use strict";

// Every htmx request carries the CSRF token from the page's <meta> tag, so htmx changes are
// protected exactly like ordinary form posts (which carry a hidden input instead).
document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.headers["X-CSRFToken"] = meta.getAttribute("content");
  }
});

// After htmx swaps in a fragment with an error, move focus to the first field in error so
// keyboard and screen-reader users land where the problem is.
document.addEventListener("htmx:afterSwap", (event) => {
  const invalid = event.target.querySelector('[aria-invalid="true"]');
  if (invalid) {
    invalid.focus();
  }
});
