import { cpSync, mkdirSync } from "node:fs";

const from = "node_modules/govuk-frontend/dist/govuk";
mkdirSync("static/dist", { recursive: true });
cpSync(`${from}/govuk-frontend.min.js`, "static/dist/govuk-frontend.min.js");
cpSync(`${from}/assets/images`, "static/dist/assets/images", { recursive: true });
cpSync(`${from}/assets/manifest.json`, "static/dist/assets/manifest.json");
