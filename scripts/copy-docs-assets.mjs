// Copies swagger-ui's prebuilt files from node_modules into public/docs/vendor/
// (git-ignored), where the Worker serves them as static assets: the /docs page
// then works offline and loads nothing from a third-party CDN.
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "node_modules", "swagger-ui-dist");
const target = join(root, "public", "docs", "vendor");
const files = ["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"];

if (!existsSync(source)) {
  console.warn("swagger-ui-dist is not installed; /docs will have no scripts until `npm install`.");
  process.exit(0);
}
mkdirSync(target, { recursive: true });
for (const file of files) copyFileSync(join(source, file), join(target, file));
