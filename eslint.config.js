// ESLint for rhi's own browser code and build scripts (`npm run lint`, run by `make lint` and
// `make test`). rhi/static/vendor is built from npm packages and never linted.
"use strict";

const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  { ignores: ["rhi/static/vendor/**", "node_modules/**", ".venv/**"] },
  js.configs.recommended,
  {
    // The pages' code: ES modules, one job each, importing each other by relative URLs (the
    // page's import map pins each to its version: rhi/pwa/views.py). No globals of our own.
    files: ["rhi/static/js/**/*.js"],
    ignores: ["rhi/static/js/sw.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: globals.browser,
    },
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "MemberExpression[object.name=/^(window|self|globalThis)$/][property.name=/^rhi/]",
          message: "No rhi globals: export from a module and import it.",
        },
      ],
    },
  },
  {
    // The service worker: a classic worker script, with its own globals (and VERSION and SHELL,
    // put in front of it by the server: see the file's header).
    files: ["rhi/static/js/sw.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "script", globals: globals.serviceworker },
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
