// Drives Debian's chromium (headless) through the live dashboard for tests/browser/test_dashboard_page.py.
//
// Talks JSON lines with the test: prints {"ready": true, "submitted": N} once the page shows its
// counters and its event stream is live; then reads {"demand_id": "..."} from stdin, waits (bounded)
// until the page's submitted counter has gone past N and the demand's publication is listed (a
// dashboard viewer sees a demand from its publication on, not its submission), saves a
// screenshot, checks the charts and the period picker, and prints what it saw. Any failure prints {"error": ...} and exits 1.
//
//   DASHBOARD_URL=http://127.0.0.1:PORT DASHBOARD_TOKEN=... SCREENSHOT=test-output/dashboard.png node dashboard.mjs

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

import { chromium } from "playwright-core";

const url = process.env.DASHBOARD_URL;
const token = process.env.DASHBOARD_TOKEN;
const screenshot = process.env.SCREENSHOT || "dashboard.png";
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const timeout = Number(process.env.WAIT_MS || 30000);

const say = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

async function counter(page) {
  const text = await page.textContent("#kpi-submitted");
  return Number(String(text).replace(/,/g, ""));
}

const userDataDir = mkdtempSync(join(tmpdir(), "itp-chromium-"));
let context;
let page;
try {
  // A fresh profile every run; nothing is downloaded, nothing phones home.
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport: { width: 1360, height: 960 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  page = context.pages()[0] || (await context.newPage());
  const consoleErrors = [];
  page.on("console", (msg) => msg.type() === "error" && consoleErrors.push(msg.text()));
  page.on("pageerror", (err) => consoleErrors.push(String(err)));

  await page.goto(`${url}/dashboard?token=${encodeURIComponent(token)}`, { timeout });
  await page.waitForSelector('#stream-status[data-state="live"]', { timeout });
  await page.waitForFunction(() => /^\d[\d,]*$/.test(document.querySelector("#kpi-submitted").textContent), null, {
    timeout,
  });
  const before = await counter(page);
  say({ ready: true, submitted: before });

  const { value: line, done } = await lines.next();
  if (done) throw new Error("the test closed stdin before naming a demand");
  const { demand_id: demandId } = JSON.parse(line);

  await page.waitForFunction(
    (n) => Number(document.querySelector("#kpi-submitted").textContent.replace(/,/g, "")) > n,
    before,
    { timeout },
  );
  await page.waitForSelector(`#events li[data-subject="${demandId}"][data-type="DemandPublished"]`, { timeout });
  const after = await counter(page);
  const eventText = await page.textContent(`#events li[data-subject="${demandId}"][data-type="DemandPublished"]`);
  await page.waitForFunction(() => document.querySelectorAll("#chart-province rect").length > 0, null, { timeout });
  await page.waitForTimeout(1000); // let the highlight settle for a calm screenshot
  await page.screenshot({ path: screenshot, fullPage: true });
  const charts = await page.evaluate(() => ({
    funnel: document.querySelectorAll("#chart-funnel rect").length,
    trends: document.querySelectorAll("#chart-trends polyline").length,
    money: document.querySelectorAll("#chart-money rect").length,
    province: [...document.querySelectorAll("#chart-province text")].map((t) => t.textContent),
    supply: document.querySelector("#kpi-centers").textContent,
    funds: document.querySelector("#kpi-funds").textContent,
    fund_capital: document.querySelector("#kpi-fund-capital").textContent,
  }));
  // The period picker: 2019 saw none of this run's demands; back to all time, the counter returns.
  await page.selectOption("#period-preset", { label: "2019年 2019" });
  await page.waitForFunction(() => document.querySelector("#kpi-submitted").textContent === "0", null, { timeout });
  await page.selectOption("#period-preset", { label: "全部 All time" });
  await page.waitForFunction(
    (n) => Number(document.querySelector("#kpi-submitted").textContent.replace(/,/g, "")) === n,
    after,
    { timeout },
  );
  say({
    charts,
    period_picked: true,
    submitted: after,
    event_seen: true,
    event_text: eventText,
    intended: await page.textContent("#kpi-intended"),
    url: page.url(),
    console_errors: consoleErrors,
  });
} catch (err) {
  if (page) await page.screenshot({ path: screenshot, fullPage: true }).catch(() => {});
  say({ error: String(err && err.stack ? err.stack : err) });
  process.exitCode = 1;
} finally {
  if (context) await context.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
  process.stdin.destroy();
}
