// `npm run test:e2e`: the docs page in a real browser, against `wrangler dev` on the
// sample upstream. Opens /docs, checks swagger-ui lists our operations, runs the
// character lookup through "Try it out" and expects an ocid back, and fails if the
// page sends any request off this machine. Uses Debian's Chromium (/usr/bin/chromium,
// `apt-get install -y chromium`), never a browser downloaded by a test tool.
// Prints one "e2e docs: PASS|FAIL …" line; exits non-zero on failure.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, createWriteStream } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { chromium } from "playwright-core";
import { root, runWrangler, startWrangler } from "../../scripts/wrangler-cli.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** A name the built-in sample upstream knows (dev/sample-upstream, SAMPLE_CHARACTERS). */
const SAMPLE_NAME = "메이플소녀";
const OPERATIONS = ["/health", "/v1/characters/lookup"];
/**
 * The page is opened under a real-looking host name that Chromium maps to loopback:
 * swagger-ui behaves differently on localhost/127.0.0.1 (it skips its online
 * validator badge there), and production is never served from those.
 */
const DOCS_HOST = "docs.maplestorage.test";
const ON_MACHINE = new Set([DOCS_HOST, "127.0.0.1", "localhost", "[::1]"]);
const RESULTS = join(root, "test-results");
const SCREENSHOT = join(RESULTS, "docs.png");
const WRANGLER_LOG = join(RESULTS, "e2e-wrangler.log");
const OVERALL_TIMEOUT_MS = 240_000;

const started = performance.now();
const seconds = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const step = (message) => console.log(`[e2e ${seconds()}] ${message}`);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(base, wrangler) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (wrangler.exitCode !== null) throw new Error(`wrangler dev exited (${wrangler.exitCode}); see ${WRANGLER_LOG}`);
    try {
      const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(5_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  throw new Error(`${base}/health did not answer 200 within 120 s; see ${WRANGLER_LOG}`);
}

/** The running `wrangler dev`, so that every way out stops it. */
let wrangler;

function stopWrangler(child) {
  if (!child || child.exitCode !== null) return Promise.resolve();
  const exited = new Promise((resolve) => child.once("exit", resolve));
  // Detached: the pid is its process group's id, which includes workerd.
  const kill = (signal) => {
    try {
      if (process.platform === "win32") child.kill(signal);
      else process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  kill("SIGTERM");
  const timer = setTimeout(() => kill("SIGKILL"), 5_000);
  return exited.finally(() => clearTimeout(timer));
}

const summaryOf = (page, path) => page.locator(`.opblock-summary-path[data-path="${path}"]`).first();

/**
 * Scrolls down the page the way a reader does until the operation `path` is drawn
 * and stays drawn: swagger-ui draws a large document's operation list virtually,
 * only the rows near the viewport, and redraws them as it measures itself. False
 * when the page will not scroll further (or 60 s pass) without it.
 */
async function scrollTo(page, path) {
  const summary = summaryOf(page, path);
  const until = Date.now() + 60_000;
  let stuck = 0;
  while (Date.now() < until && stuck < 3) {
    if ((await summary.count()) > 0) {
      const centred = await summary.evaluate((el) => el.scrollIntoView({ block: "center" }), undefined, { timeout: 2_000 }).then(() => true, () => false);
      await sleep(300);
      if (centred && (await summary.count()) > 0) return true;
    }
    const moved = await page.evaluate(() => {
      const before = window.scrollY;
      window.scrollBy(0, window.innerHeight * 0.8);
      return window.scrollY !== before;
    });
    // At the end, the list may still grow as it measures its rows: look again a few times.
    stuck = moved ? 0 : stuck + 1;
    await sleep(moved ? 150 : 500);
  }
  return false;
}

async function checkDocsPage(page, base) {
  step("opening /docs");
  await page.goto(`${base}/docs`, { waitUntil: "load" });
  await page.locator(".swagger-ui .opblock").first().waitFor({ timeout: 30_000 });

  for (const path of OPERATIONS) {
    if (!(await scrollTo(page, path))) throw new Error(`the docs page does not list ${path}`);
    // Visible text too, not just attributes (swagger-ui breaks paths with <wbr>/zero-width spaces).
    const shown = (await summaryOf(page, path).innerText()).replace(/[\u200b\u00ad]/g, "");
    if (!shown.includes(path)) throw new Error(`the page text does not show ${path}`);
  }
  // In document order, so the lookup (the last) is the row now in view.
  step(`operations listed: ${OPERATIONS.join(", ")}`);

  const operation = page.locator(".opblock").filter({ has: summaryOf(page, "/v1/characters/lookup") }).first();
  await operation.locator(".opblock-summary").first().click();
  const tryItOut = operation.locator("button.try-out__btn", { hasText: "Try it out" });
  // init.js enables "Try it out" up front; click it only where the page still offers it.
  if (await tryItOut.isVisible({ timeout: 5_000 }).catch(() => false)) await tryItOut.click();

  const nameInput = operation.locator('tr[data-param-name="name"] input');
  await nameInput.waitFor({ timeout: 10_000 });
  await nameInput.fill(SAMPLE_NAME);
  await operation.locator("button.execute").click();
  step(`executed the lookup for ${SAMPLE_NAME}`);

  const body = operation.locator(".live-responses-table .response-col_description .highlight-code, .live-responses-table .response-col_description pre").first();
  await body.waitFor({ timeout: 30_000 });
  await operation.scrollIntoViewIfNeeded();
  const status = (await operation.locator(".live-responses-table .response .response-col_status").first().innerText()).trim();
  const shown = await body.innerText();
  if (status !== "200") throw new Error(`lookup answered ${status}: ${shown.slice(0, 300)}`);
  const ocid = /"ocid":\s*"([^"]+)"/.exec(shown)?.[1];
  if (!ocid) throw new Error(`the response shows no ocid: ${shown.slice(0, 300)}`);
  step(`response shows ocid ${ocid}`);
}

async function main() {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}; install Debian's: apt-get install -y chromium`);
  mkdirSync(RESULTS, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "maplestorage-e2e-"));
  const persistTo = join(work, "state");
  const emptyEnvFile = join(work, "empty.env");
  writeFileSync(emptyEnvFile, "");
  const log = createWriteStream(WRANGLER_LOG);
  const quiet = { CI: "true", WRANGLER_SEND_METRICS: "false" };
  let context;
  try {
    step("applying migrations to a fresh local database");
    const migrate = runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo], { capture: true, env: quiet });
    log.write(migrate.stdout + migrate.stderr);
    if (migrate.status !== 0) throw new Error(`wrangler d1 migrations apply failed; see ${WRANGLER_LOG}`);

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    step(`starting wrangler dev on ${base}`);
    // Every setting on the command line, and an empty env file so that a developer's
    // .dev.vars (perhaps pointing at the real NEXON API) is never read. The second
    // config starts the sample upstream Worker, bound to ours as SAMPLE_UPSTREAM.
    wrangler = startWrangler(
      [
        "dev", "-c", "wrangler.toml", "-c", "dev/sample-upstream/wrangler.toml",
        "--ip", "127.0.0.1", "--port", String(port), "--persist-to", persistTo,
        "--env-file", emptyEnvFile, "--show-interactive-dev-session=false",
        "--var", "ENVIRONMENT:development",
        "--var", "NEXON_API_BASE_URL:sample",
        "--var", `JWT_SECRET:${randomBytes(36).toString("base64url")}`,
        "--var", `ENCRYPTION_KEY:${randomBytes(32).toString("base64")}`,
        "--var", "MAPLESTORY_API_KEY:sample-e2e",
      ],
      { env: quiet },
    );
    wrangler.stdout.pipe(log, { end: false });
    wrangler.stderr.pipe(log, { end: false });
    await waitForHealth(base, wrangler);
    step("/health answered 200");

    context = await chromium.launchPersistentContext(join(work, "chromium-profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        // Our host name goes to loopback and no other name resolves, so even a request
        // the checks below catch never leaves the machine.
        `--host-resolver-rules=MAP ${DOCS_HOST} 127.0.0.1, MAP * ~NOTFOUND`,
      ],
      viewport: { width: 1280, height: 900 },
    });
    const offMachine = [];
    context.on("request", (request) => {
      const url = new URL(request.url());
      if (["http:", "https:", "ws:", "wss:"].includes(url.protocol) && !ON_MACHINE.has(url.hostname)) {
        offMachine.push(request.url());
      }
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors = [];
    page.on("pageerror", (err) => pageErrors.push(err.message));
    page.on("console", (msg) => {
      // Chromium ignores COOP on plain-http origins other than localhost and says so; expected here.
      if (msg.type() === "error" && !msg.text().includes("Cross-Origin-Opener-Policy header has been ignored")) {
        step(`browser console error: ${msg.text()}`);
      }
    });
    const failures = [];
    try {
      await checkDocsPage(page, `http://${DOCS_HOST}:${port}`);
    } catch (err) {
      failures.push(err instanceof Error ? err.message : String(err));
    }
    await page.screenshot({ path: SCREENSHOT }).catch(() => {});
    if (offMachine.length > 0) failures.push(`the page sent requests off this machine: ${[...new Set(offMachine)].join(", ")}`);
    if (pageErrors.length > 0) failures.push(`the page threw: ${pageErrors.join("; ")}`);
    if (failures.length > 0) throw new Error(failures.join(" | "));
  } finally {
    await context?.close().catch(() => {});
    await stopWrangler(wrangler);
    log.end();
    rmSync(work, { recursive: true, force: true });
  }
}

function abort(reason) {
  if (wrangler && wrangler.exitCode === null) {
    try {
      if (process.platform === "win32") wrangler.kill("SIGKILL");
      else process.kill(-wrangler.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  console.log(`e2e docs: FAIL (${reason})`);
  process.exit(1);
}
const overall = setTimeout(() => abort(`no result within ${OVERALL_TIMEOUT_MS / 1000} s`), OVERALL_TIMEOUT_MS);
process.once("SIGINT", () => abort("interrupted"));
process.once("SIGTERM", () => abort("terminated"));

try {
  await main();
  clearTimeout(overall);
  console.log(`e2e docs: PASS (${seconds()}; screenshot ${SCREENSHOT})`);
} catch (err) {
  clearTimeout(overall);
  console.log(`e2e docs: FAIL: ${err instanceof Error ? err.message : err} (${seconds()}; screenshot ${SCREENSHOT}, wrangler log ${WRANGLER_LOG})`);
  process.exitCode = 1;
}
