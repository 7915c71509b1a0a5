// The session's CSRF token, read in one place: from the page's <meta> tag ("" on a shell page,
// which has none, as it is kept on the tablet for anyone).
export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute("content") : "";
}
