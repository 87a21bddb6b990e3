// End-to-end test of the packaged extension in a real VS Code (code-server), driven in headless
// Chromium with playwright-core. editors/test-vscode.sh prepares everything and runs:
//
//   node vscode.e2e.js URL FILE_NAME SCREENSHOT_DIR
//
// URL opens code-server on a project with one mistake: the region `swedencentrl` in FILE_NAME
// (E0303, unknown region, whose quick fix is "replace with `swedencentral`"). The test asserts,
// as a user would see them: the squiggle under the region, the entry in the Problems panel,
// the hover with the message and code, and that the quick fix rewrites the region and the
// squiggle goes away. A screenshot of each step goes to SCREENSHOT_DIR.
'use strict';

const path = require('path');
const fs = require('fs');
const os = require('os');
const { chromium } = require('playwright-core');

const [url, fileName, screenshots] = process.argv.slice(2);
if (!url || !fileName || !screenshots) {
  console.error('usage: node vscode.e2e.js URL FILE_NAME SCREENSHOT_DIR');
  process.exit(2);
}
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const MISTAKE = 'swedencentrl';
const FIXED = 'swedencentral';
const MESSAGE = 'unknown region `swedencentrl`';
const STEP_TIMEOUT = 60_000;

let step = 0;
async function shot(page, name) {
  step += 1;
  const file = path.join(screenshots, `${String(step).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file });
  console.log(`screenshot: ${file}`);
}

function pass(what) {
  console.log(`PASS: ${what}`);
}

async function main() {
  fs.mkdirSync(screenshots, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'charter-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(STEP_TIMEOUT);
  try {
    await run(page);
  } catch (error) {
    await shot(page, 'failure').catch(() => {});
    throw error;
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

async function run(page) {
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor();
  // The explorer shows the project once the workspace has loaded.
  await page.locator('.explorer-folders-view').waitFor();
  await shot(page, 'workbench');

  // Open the file with Quick Open, as a user would.
  const modifier = 'Control';
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } });
  await page.keyboard.press(`${modifier}+KeyP`);
  const quickInput = page.locator('.quick-input-widget input');
  await quickInput.waitFor();
  await quickInput.fill(fileName);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await page.keyboard.press('Enter');
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.waitFor();
  await page.locator('.view-lines', { hasText: MISTAKE }).first().waitFor();

  // 1. The squiggle: the language server's diagnostic drawn under the region.
  const squiggle = page.locator('.monaco-editor .squiggly-error').first();
  await squiggle.waitFor();
  const mistakeSpan = page.locator('.view-lines span', { hasText: MISTAKE }).last();
  // The editor re-renders its lines as decorations and tokens arrive, and an element being
  // replaced has no box: measure again for a few seconds before calling it misplaced.
  let squiggleBox = null;
  let mistakeBox = null;
  const under = () => squiggleBox && mistakeBox &&
      Math.abs(squiggleBox.y - mistakeBox.y) <= mistakeBox.height &&
      squiggleBox.x + squiggleBox.width >= mistakeBox.x &&
      squiggleBox.x <= mistakeBox.x + mistakeBox.width;
  for (let attempt = 0; attempt < 20 && !under(); attempt++) {
    if (attempt > 0) await page.waitForTimeout(250);
    squiggleBox = await squiggle.boundingBox();
    mistakeBox = await mistakeSpan.boundingBox();
  }
  if (!under()) {
    throw new Error(`the squiggle ${JSON.stringify(squiggleBox)} is not under \`${MISTAKE}\` ${JSON.stringify(mistakeBox)}`);
  }
  await shot(page, 'squiggle');
  pass(`a squiggle under \`${MISTAKE}\``);

  // 2. The Problems panel lists it (View: Problems, Ctrl+Shift+M).
  await page.keyboard.press(`${modifier}+Shift+KeyM`);
  const problem = page.locator('.markers-panel .monaco-list-row', { hasText: MESSAGE }).first();
  await problem.waitFor();
  const problemText = await problem.innerText();
  if (!problemText.includes('E0303')) {
    throw new Error(`the Problems entry lacks the code E0303: ${problemText}`);
  }
  await shot(page, 'problems');
  pass(`the Problems panel lists "${MESSAGE}" (E0303)`);

  // 3. Selecting the entry reveals the mistake in the editor; hovering it shows the diagnostic.
  await problem.click();
  await page.keyboard.press('Enter');
  await mistakeSpan.waitFor({ state: 'visible' });
  await mistakeSpan.hover();
  const hover = page.locator('.monaco-hover', { hasText: MESSAGE }).first();
  await hover.waitFor({ state: 'visible' });
  await shot(page, 'hover');
  pass('hovering the squiggle shows the diagnostic');

  // 4. The quick fix (Ctrl+. at the mistake) replaces the region; the squiggle goes away.
  await page.keyboard.press('Escape');
  await mistakeSpan.click();
  await page.keyboard.press(`${modifier}+Period`);
  const fix = page.locator('.action-widget .monaco-list-row', { hasText: `replace with \`${FIXED}\`` }).first();
  await fix.waitFor({ state: 'visible' });
  await shot(page, 'quick-fix-menu');
  // The menu keeps re-rendering while it is open, so choose the fix as a keyboard user does:
  // it is the only (and so the focused) entry.
  const entries = await page.locator('.action-widget .monaco-list-row.action').count();
  if (entries !== 1) {
    throw new Error(`expected one quick fix, the menu has ${entries} entries`);
  }
  await page.keyboard.press('Enter');
  await page.locator('.view-lines', { hasText: `"${FIXED}"` }).first().waitFor();
  await page.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'detached' });
  const linesText = await page.locator('.editor-instance .view-lines').first().innerText();
  if (linesText.includes(`"${MISTAKE}"`)) {
    throw new Error(`the quick fix left \`${MISTAKE}\` in the file`);
  }
  await shot(page, 'fixed');
  pass(`the quick fix replaced \`${MISTAKE}\` with \`${FIXED}\` and the squiggle went away`);
}

main().then(
  () => console.log('vscode e2e: all steps passed'),
  (error) => {
    console.error(`FAIL: ${error && error.stack ? error.stack : error}`);
    process.exit(1);
  },
);
