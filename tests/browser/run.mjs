// Browser tests of the sledger web UI (issue #7 item 5) against a running `sledger demo`:
//
//   node tests/browser/run.mjs URL OUTDIR
//
// URL is the demo's `http://ADDR:PORT/`; OUTDIR receives one PNG per step (a failed step's
// ends in -FAILED.png). The scenarios use the UI's stable selectors (ids, data-testid, form
// field names of issue #7 item 2) and run each in a fresh browser context, logged in anew, so
// one failing scenario does not hide the others. Each prints `PASS name` or `FAIL name — step: message`; the exit code is
// 1 when any failed. The data are the demo's: MSC-LN-RCT with 40 randomized patients and
// P0041, P0042 awaiting randomization, whose baseline is fixed (crates/cli/src/commands/
// demo_awaiting.rs: creatinine 0.90 mg/dL, 24-hour UPCR 3200 mg/g, female born 1984-06).
// Chromium is Debian's (/usr/bin/chromium); playwright-core drives it, no browser download.
// SLEDGER_BROWSER_ONLY=a,c runs only the scenarios whose names start with those prefixes.

import { chromium } from 'playwright-core';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { expectedVisit, VISIT_INPUT } from './expected.mjs';

const [baseUrl, outDir] = process.argv.slice(2);
if (!baseUrl || !outDir) {
  console.error('usage: node tests/browser/run.mjs URL OUTDIR');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
// Screenshots of an earlier run would mislead: remove them.
for (const old of readdirSync(outDir).filter((f) => f.endsWith('.png'))) {
  rmSync(join(outDir, old));
}

const PASSWORD = 'sledger-demo';
const TRIAL = 'MSC-LN-RCT';
const INDEX = 'VLD-MSC';
const TIMEOUT_MS = 15000;

const url = (path) => new URL(path, baseUrl).toString();

/** Thrown by a step: names the scenario's step that failed. */
class StepError extends Error {
  constructor(step, cause) {
    super(`${step}: ${cause instanceof Error ? cause.message.split('\n')[0] : cause}`);
  }
}

/** One scenario: its steps, each screenshotted into OUTDIR as `<scenario>-<nn>-<step>.png`. */
class Scenario {
  constructor(id, page) {
    this.id = id;
    this.page = page;
    this.n = 0;
    this.shots = [];
  }

  async step(name, body) {
    this.n += 1;
    const file = join(outDir, `${this.id}-${String(this.n).padStart(2, '0')}-${name}.png`);
    try {
      await body();
    } catch (e) {
      await this.page.screenshot({ path: file.replace(/\.png$/, '-FAILED.png'), fullPage: true }).catch(() => {});
      throw new StepError(name, e);
    }
    await this.page.screenshot({ path: file, fullPage: true });
    this.shots.push(file);
  }
}

/** Fails unless `actual` equals `expected`, naming `what`. */
function assertEqual(actual, expected, what) {
  if (actual !== expected) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

const text = async (locator) => ((await locator.textContent({ timeout: TIMEOUT_MS })) ?? '').replace(/\s+/g, ' ').trim();

/** Waits until `locator`'s normalized text satisfies `ok`, else fails with the last text seen. */
async function waitForText(page, locator, ok, what) {
  const deadline = Date.now() + TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    if ((await locator.count()) > 0) {
      last = await text(locator.first());
      if (ok(last)) return last;
    }
    await page.waitForTimeout(150);
  }
  throw new Error(`${what}: last text ${JSON.stringify(last)}`);
}

async function logIn(page, username) {
  await page.goto(url('/login'));
  const form = page.locator('#login-form');
  await form.locator('input[name=username]').fill(username);
  await form.locator('input[name=password]').fill(PASSWORD);
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/', { timeout: TIMEOUT_MS }),
    form.locator('button[type=submit]').click(),
  ]);
  await page.locator('#studies').waitFor({ timeout: TIMEOUT_MS });
}

/** A whole number shown by a count element. */
async function count(page, testid) {
  const shown = await text(page.locator(`[data-testid=${testid}]`));
  const n = Number.parseInt(shown.replace(/[^0-9]/g, ''), 10);
  if (!/[0-9]/.test(shown)) throw new Error(`[data-testid=${testid}] shows no number: ${JSON.stringify(shown)}`);
  return n;
}

const SCENARIOS = {
  // (a) log in as coordinator → study list → dashboard of MSC-LN-RCT; a wrong password first.
  async 'a-login-dashboard'(s) {
    const { page } = s;
    await s.step('wrong-password', async () => {
      await page.goto(url('/login'));
      const form = page.locator('#login-form');
      await form.locator('input[name=username]').fill('coordinator');
      await form.locator('input[name=password]').fill('not-the-password');
      await form.locator('button[type=submit]').click();
      await waitForText(page, page.locator('.form-error'), (t) => t.length > 0, 'a .form-error after a wrong password');
    });
    await s.step('study-list', async () => {
      await logIn(page, 'coordinator');
      const links = page.locator('#studies a.study-link');
      const hrefs = await links.evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
      for (const study of [INDEX, TRIAL]) {
        if (!hrefs.includes(`/studies/${study}`)) {
          throw new Error(`#studies has no a.study-link to /studies/${study}: ${JSON.stringify(hrefs)}`);
        }
      }
    });
    await s.step('dashboard', async () => {
      await Promise.all([
        page.waitForURL((u) => u.pathname === `/studies/${TRIAL}`, { timeout: TIMEOUT_MS }),
        page.locator(`#studies a.study-link[href$="/studies/${TRIAL}"]`).click(),
      ]);
      await page.locator('#dashboard').waitFor({ timeout: TIMEOUT_MS });
      // 40 randomized + P0041, P0042 (every demo patient is screened and enrolled).
      assertEqual(await count(page, 'count-enrolled'), 42, 'patients enrolled');
      assertEqual(await count(page, 'count-screened'), 42, 'patients screened');
      assertEqual(await count(page, 'count-randomized'), 40, 'patients randomized');
      await count(page, 'count-infused');
      for (const code of ['P0001', 'P0041', 'P0042']) {
        const row = page.locator(`#patients tr[data-patient=${code}]`);
        if ((await row.count()) !== 1) throw new Error(`#patients has no row tr[data-patient=${code}]`);
        if ((await row.locator('a.patient-link').count()) < 1) throw new Error(`row ${code} has no a.patient-link`);
      }
      await page.locator('#visits-due').waitFor({ state: 'attached', timeout: TIMEOUT_MS });
      await page.locator('#open-adverse-events').waitFor({ state: 'attached', timeout: TIMEOUT_MS });
      await page.locator('a#nav-reports').waitFor({ timeout: TIMEOUT_MS });
      if ((await page.locator('a#nav-audit').count()) !== 0) {
        throw new Error('a coordinator may not read the audit log, yet a#nav-audit is shown');
      }
    });
  },

  // (b) a patient, the visit form, live scores, save, the new row.
  async 'b-visit-entry'(s) {
    const { page } = s;
    const expected = expectedVisit(new Date());
    await s.step('patient-page', async () => {
      await logIn(page, 'coordinator');
      await page.goto(url(`/studies/${TRIAL}`));
      const row = page.locator('#patients tr[data-patient=P0042]');
      await Promise.all([
        page.waitForURL((u) => u.pathname === `/studies/${TRIAL}/patients/P0042`, { timeout: TIMEOUT_MS }),
        row.locator('a.patient-link').first().click(),
      ]);
      await page.locator('#patient').waitFor({ timeout: TIMEOUT_MS });
      await page.locator('#measure-table tr[data-visit=baseline]').waitFor({ timeout: TIMEOUT_MS });
    });
    await s.step('visit-form', async () => {
      await Promise.all([
        page.waitForURL((u) => u.pathname === `/studies/${TRIAL}/patients/P0042/visits/new`, { timeout: TIMEOUT_MS }),
        page.locator('a#new-visit').click(),
      ]);
      await page.locator('form#visit-form').waitFor({ timeout: TIMEOUT_MS });
    });
    await s.step('live-scores', async () => {
      const form = page.locator('form#visit-form');
      await form.locator('select[name=visit]').selectOption(VISIT_INPUT.visit);
      await form.locator('input[name=date]').fill(expected.date);
      await form.locator('input[name=creatinine]').fill(VISIT_INPUT.creatinine);
      await form.locator('select[name=creatinine_unit]').selectOption(VISIT_INPUT.creatinine_unit);
      await form.locator('input[name=upcr]').fill(VISIT_INPUT.upcr);
      await form.locator('select[name=upcr_unit]').selectOption(VISIT_INPUT.upcr_unit);
      const specimen = form.locator('select[name=upcr_specimen]');
      if ((await specimen.count()) > 0) await specimen.selectOption(VISIT_INPUT.upcr_specimen);
      for (const fact of ['rescue_or_treatment_failure', 'kidney_failure']) {
        await answerNo(form, fact);
      }
      await form.locator('input[name=prednisone]').fill(VISIT_INPUT.prednisone);
      for (const item of VISIT_INPUT.sledai) {
        await form.locator(`input[name=sledai_${item}]`).check();
      }
      const live = page.locator('#live-scores');
      await waitForText(page, live.locator('[data-testid=live-sledai2k]'), (t) => t === expected.sledai2k,
        `[data-testid=live-sledai2k] = ${expected.sledai2k}`);
      await waitForText(page, live.locator('[data-testid=live-egfr]'), (t) => new RegExp(`(^|\\D)${expected.egfr}(\\D|$)`).test(t),
        `[data-testid=live-egfr] shows ${expected.egfr}`);
      await waitForText(page, live.locator('[data-testid=live-renal-response]'), (t) => t === expected.renalResponse,
        `[data-testid=live-renal-response] = ${expected.renalResponse}`);
    });
    await s.step('saved', async () => {
      await Promise.all([
        page.waitForURL((u) => u.pathname === `/studies/${TRIAL}/patients/P0042`, { timeout: TIMEOUT_MS }),
        page.locator('button#save-visit').click(),
      ]);
      const row = page.locator(`#measure-table tr[data-visit=${VISIT_INPUT.visit}]`);
      await row.waitFor({ timeout: TIMEOUT_MS });
      const cell = async (testid) => text(row.locator(`[data-testid=${testid}]`));
      assertEqual(await cell('upcr'), VISIT_INPUT.upcr, `the saved ${VISIT_INPUT.visit} row's UPCR`);
      assertEqual(await cell('sledai2k'), expected.sledai2k, `the saved ${VISIT_INPUT.visit} row's SLEDAI-2K`);
      assertEqual(await cell('egfr'), String(expected.egfr), `the saved ${VISIT_INPUT.visit} row's eGFR`);
      // The visit's dose only: the baseline's 30 mg/day course does not add to it.
      assertEqual(await cell('prednisone'), VISIT_INPUT.prednisone, `the saved ${VISIT_INPUT.visit} row's prednisone mg/day`);
      const response = await cell('renal-response');
      if (!response.startsWith(expected.response)) {
        throw new Error(`the saved row's renal response: expected ${expected.response}, got ${JSON.stringify(response)}`);
      }
    });
  },

  // Bad input: an out-of-range creatinine and a unit the lab does not take, shown next to the field.
  async 'b2-bad-input'(s) {
    const { page } = s;
    await s.step('out-of-range', async () => {
      await logIn(page, 'coordinator');
      await page.goto(url(`/studies/${TRIAL}/patients/P0042/visits/new`));
      const form = page.locator('form#visit-form');
      await form.locator('input[name=date]').fill(new Date().toISOString().slice(0, 10));
      await form.locator('select[name=creatinine_unit]').selectOption('mg/dL');
      // Above the data dictionary's 2000 µmol/L ≈ 22.6 mg/dL (sle-activity §9.3).
      await form.locator('input[name=creatinine]').fill('95');
      await waitForText(page, page.locator('#error-creatinine'), (t) => t.length > 0,
        '#error-creatinine after creatinine 95 mg/dL');
      const error = page.locator('#error-creatinine');
      if (!(await error.evaluate((e) => e.classList.contains('field-error')))) {
        throw new Error('#error-creatinine has no class field-error');
      }
    });
    await s.step('bad-unit', async () => {
      const form = page.locator('form#visit-form');
      await form.locator('input[name=creatinine]').fill('0.9');
      await waitForText(page, page.locator('#error-creatinine'), (t) => t.length === 0,
        '#error-creatinine clears for 0.9 mg/dL');
      // A unit the select does not offer, as a hand-made request would send it.
      await form.locator('select[name=creatinine_unit]').evaluate((select) => {
        const option = document.createElement('option');
        option.value = 'g/g';
        option.textContent = 'g/g';
        select.append(option);
      });
      await form.locator('select[name=creatinine_unit]').selectOption('g/g');
      await form.locator('input[name=creatinine]').fill('0.95');
      // The refusal names the unit: next to the field, in its own or the unit select's slot.
      const deadline = Date.now() + TIMEOUT_MS;
      let shown = '';
      while (!shown.includes('g/g') && Date.now() < deadline) {
        await page.waitForTimeout(150);
        shown = (await page.locator('#error-creatinine, #error-creatinine_unit').allTextContents()).join(' ');
      }
      if (!shown.includes('g/g')) {
        throw new Error(`#error-creatinine (or #error-creatinine_unit) does not name the unit g/g: ${JSON.stringify(shown)}`);
      }
    });
  },

  // (c) randomize P0041.
  async 'c-randomize'(s) {
    const { page } = s;
    await s.step('patient-p0041', async () => {
      await logIn(page, 'coordinator');
      await page.goto(url(`/studies/${TRIAL}/patients/P0041`));
      await page.locator('#patient').waitFor({ timeout: TIMEOUT_MS });
      await page.locator('form#randomize-form button#randomize').waitFor({ timeout: TIMEOUT_MS });
    });
    await s.step('allocated', async () => {
      await page.locator('button#randomize').click();
      // MSC-LN-RCT is blinded and a coordinator a blinded role: the allocation, never the arm.
      const shown = await waitForText(page, page.locator('[data-testid=allocation]'), (t) => t.length > 0,
        '[data-testid=allocation] after randomizing P0041');
      if (!/blinded/i.test(shown) || /msc|placebo/i.test(shown)) {
        throw new Error(`a blinded coordinator should see "allocated — blinded", not the arm: ${JSON.stringify(shown)}`);
      }
      if ((await page.locator('button#randomize').count()) !== 0) {
        throw new Error('the randomize button is still shown after randomizing');
      }
    });
  },

  // (d) switch to Spanish on the study list: html[lang=es] and the Spanish heading
  // (crates/web/locales/es); the dashboard in Spanish too; then back to English.
  async 'd-spanish'(s) {
    const { page } = s;
    let english = '';
    await s.step('english', async () => {
      await logIn(page, 'coordinator');
      await page.locator('html[lang=en]').waitFor({ state: 'attached', timeout: TIMEOUT_MS });
      english = await text(page.locator('h1').first());
    });
    await s.step('spanish', async () => {
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/', { timeout: TIMEOUT_MS }),
        page.locator('form#language-form button[name=language][value=es]').click(),
      ]);
      await page.locator('html[lang=es]').waitFor({ state: 'attached', timeout: TIMEOUT_MS });
      await page.locator('#studies').waitFor({ timeout: TIMEOUT_MS });
      const heading = await text(page.locator('h1').first());
      assertEqual(heading, 'Estudios', `the study list's heading in Spanish (English ${JSON.stringify(english)})`);
    });
    await s.step('spanish-dashboard', async () => {
      await page.goto(url(`/studies/${TRIAL}`));
      await page.locator('#dashboard').waitFor({ timeout: TIMEOUT_MS });
      await page.locator('html[lang=es]').waitFor({ state: 'attached', timeout: TIMEOUT_MS });
      const body = await text(page.locator('body'));
      if (!/Pacientes|Visitas|Informes|Acontecimientos adversos/.test(body)) {
        throw new Error(`no Spanish word (Pacientes, Visitas, Informes, …) on the dashboard: ${body.slice(0, 200)}`);
      }
    });
    await s.step('back-to-english', async () => {
      await page.locator('form#language-form button[name=language][value=en]').click();
      await page.locator('html[lang=en]').waitFor({ state: 'attached', timeout: TIMEOUT_MS });
    });
    await s.step('coordinadora-in-spanish', async () => {
      await page.context().clearCookies();
      await logIn(page, 'coordinadora');
      await page.locator('html[lang=es]').waitFor({ state: 'attached', timeout: TIMEOUT_MS });
    });
  },

  // (e) the case-series report; the audit log for the monitor.
  async 'e-reports'(s) {
    const { page } = s;
    await s.step('reports', async () => {
      await logIn(page, 'investigator');
      await page.goto(url(`/studies/${INDEX}`));
      await Promise.all([
        page.waitForURL((u) => u.pathname === `/studies/${INDEX}/reports`, { timeout: TIMEOUT_MS }),
        page.locator('a#nav-reports').click(),
      ]);
      await page.locator('a#report-case-series').waitFor({ timeout: TIMEOUT_MS });
    });
    await s.step('case-series', async () => {
      await Promise.all([
        page.waitForURL((u) => u.pathname === `/studies/${INDEX}/reports/case-series`, { timeout: TIMEOUT_MS }),
        page.locator('a#report-case-series').click(),
      ]);
      await page.locator('#report').waitFor({ timeout: TIMEOUT_MS });
      const shown = await text(page.locator('#report'));
      for (const code of ['IDX-01', 'IDX-02', 'IDX-03']) {
        if (!shown.includes(code)) throw new Error(`#report does not name ${code}`);
      }
    });
    await s.step('audit-as-monitor', async () => {
      await page.context().clearCookies();
      await logIn(page, 'monitor');
      await page.goto(url(`/studies/${INDEX}/audit`));
      await page.locator('#audit-log').waitFor({ timeout: TIMEOUT_MS });
      await waitForText(page, page.locator('#audit-verify'), (t) => t.length > 0, '#audit-verify shows the chain check');
    });
  },
};

/** Answers a yes/no visit fact "no", whether the form asks it with a select or radio buttons. */
async function answerNo(form, name) {
  const select = form.locator(`select[name=${name}]`);
  if ((await select.count()) > 0) {
    await select.selectOption('false');
    return;
  }
  const radio = form.locator(`input[type=radio][name=${name}][value=false]`);
  if ((await radio.count()) > 0) {
    await radio.check();
    return;
  }
  throw new Error(`the visit form does not ask ${name} (select or radio with value false)`);
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const only = process.env.SLEDGER_BROWSER_ONLY?.split(',').filter(Boolean);
let failed = 0;
try {
  for (const [id, run] of Object.entries(SCENARIOS)) {
    if (only && !only.some((o) => id.startsWith(o))) continue;
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(TIMEOUT_MS);
    const page = await context.newPage();
    const consoleErrors = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    const s = new Scenario(id, page);
    try {
      await run(s);
      console.log(`PASS ${id} (${s.shots.length} screenshots: ${s.shots.join(' ')})`);
    } catch (e) {
      failed += 1;
      console.log(`FAIL ${id} — ${e.message}`);
    }
    const csp = consoleErrors.filter((m) => /Content Security Policy/i.test(m));
    if (csp.length > 0) {
      failed += 1;
      console.log(`FAIL ${id} — the page broke its Content Security Policy: ${csp[0]}`);
    }
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(failed === 0 ? 'browser tests: all passed' : `browser tests: ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
