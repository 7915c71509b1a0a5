// Copies the pinned browser libraries from node_modules into rhi/static/vendor.
// Nothing third-party is committed: `make` runs `npm ci` then this script.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const vendor = join(root, "rhi", "static", "vendor");
mkdirSync(vendor, { recursive: true });

const files = [
  ["htmx.org/dist/htmx.min.js", "htmx.min.js"],
  // The ES module build: rhi/static/js/store.js imports it (the page's import map versions it).
  ["idb/build/index.js", "idb.js"],
  // PDF summary fonts (rhi/summaries/fetcher.py serves them to WeasyPrint from memory).
  [
    "@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-400-normal.woff2",
    "atkinson-hyperlegible-latin-400-normal.woff2",
  ],
  [
    "@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-700-normal.woff2",
    "atkinson-hyperlegible-latin-700-normal.woff2",
  ],
  [
    "@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-400-italic.woff2",
    "atkinson-hyperlegible-latin-400-italic.woff2",
  ],
  [
    "@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-ext-400-normal.woff2",
    "atkinson-hyperlegible-latin-ext-400-normal.woff2",
  ],
  [
    "@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-ext-700-normal.woff2",
    "atkinson-hyperlegible-latin-ext-700-normal.woff2",
  ],
  [
    "@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-ext-400-italic.woff2",
    "atkinson-hyperlegible-latin-ext-400-italic.woff2",
  ],
];
for (const [from, to] of files) {
  copyFileSync(join(root, "node_modules", from), join(vendor, to));
  console.log(`vendor: ${from} -> rhi/static/vendor/${to}`);
}
