// ESLint for rhi's own browser code and build scripts (`npm run lint`, run by `make lint` and
// `make test`). rhi/static/vendor is built from npm packages and never linted.
"use strict";

const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  { ignores: ["rhi/static/vendor/**", "node_modules/**", ".venv/**"] },
  js.configs.recommended,
  {
    // Page scripts: plain scripts, not modules; each shares one window.rhi* object.
    files: ["rhi/static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "script",
      globals: { ...globals.browser, idb: "readonly" }, // idb: rhi/static/vendor/idb.umd.js
    },
  },
  {
    // The writing check's matcher also runs under Node (tests/unit/test_language_js.py).
    files: ["rhi/static/js/language-check.js"],
    languageOptions: { globals: { module: "readonly" } },
  },
  {
    // The service worker has its own globals (VERSION and SHELL: see the file's header).
    files: ["rhi/static/js/sw.js"],
    languageOptions: { globals: { ...globals.serviceworker } },
  },
  {
    files: ["scripts/**/*.mjs"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.node },
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "commonjs", globals: globals.node },
  },
];
