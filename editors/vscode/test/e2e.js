// End-to-end test of the VS Code extension in the real workbench: code-server with the packaged .vsix and the
// real marginalia server, driven through the UI by playwright-core and Debian's Chromium.
// Prints one PASS/FAIL line per check and `N passed, N failed`; exits 0 only when every check passed.
//
// CODE_SERVER     code-server's package folder (with out/node/entry.js)
// CS_NODE         the Node that code-server was installed with (Node 24)
// VSIX            the packaged extension
// MARGINALIA_BIN  the server binary; MARGINALIA_WS the workspace (sample articles in sources/, notes/e2e.md)
// SHOT            where to save the screenshot of the completion list (others are saved beside it)
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');
const { chromium } = require('playwright-core');

const env = (name) => {
  if (!process.env[name]) throw new Error(`${name} is not set`);
  return process.env[name];
};
const CODE_SERVER = env('CODE_SERVER');
const CS_NODE = env('CS_NODE');
const VSIX = env('VSIX');
const BIN = env('MARGINALIA_BIN');
const WS = env('MARGINALIA_WS');
const SHOT = process.env.SHOT || path.join(os.tmpdir(), 'marginalia-vscode-completion.png');
const T = Number(process.env.E2E_TIMEOUT_MS || 30000);
const ARTICLE = '000_cf61e6d1027e3aa9';
const ENTRY = path.join(CODE_SERVER, 'out/node/entry.js');
const t0 = Date.now();
let passed = 0;
let failed = 0;
const check = (name, ok, detail = '') => {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name.padEnd(28)} ${String(Date.now() - t0).padStart(6)} ms  ${detail}`);
  ok ? passed++ : failed++;
  return ok;
};
const freePort = () => new Promise((resolve) => {
  const server = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const appears = (locator, options) => locator.first().waitFor(options).then(() => true, () => false);

async function main() {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'marginalia-cs-'));
  const [userData, extensions] = ['data', 'exts'].map((d) => path.join(base, d));
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User/settings.json'), JSON.stringify({
    'marginalia.server.path': BIN,
    'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off', 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false,
    'update.mode': 'none', 'workbench.tips.enabled': false, 'chat.disableAIFeatures': true,
    'workbench.welcomePage.walkthroughs.openOnInstall': false, 'git.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'editor.autoClosingBrackets': 'never', 'editor.autoClosingQuotes': 'never', 'editor.autoSurround': 'never',
  }));
  const csArgs = ['--user-data-dir', userData, '--extensions-dir', extensions];
  // code-server and Chromium write under the XDG folders: keep them in the temporary folder.
  const xdg = {
    XDG_CONFIG_HOME: path.join(base, 'xdg-config'),
    XDG_DATA_HOME: path.join(base, 'xdg-data'),
    XDG_CACHE_HOME: path.join(base, 'xdg-cache'),
  };
  const childEnv = { ...process.env, ...xdg };

  const install = spawnSync(CS_NODE, [ENTRY, ...csArgs, '--install-extension', VSIX], { encoding: 'utf8', env: childEnv });
  check('install extension', install.status === 0, (install.stdout + install.stderr).trim().split('\n').pop());

  const port = await freePort();
  const logFile = path.join(base, 'code-server.log');
  const log = fs.openSync(logFile, 'w');
  const codeServer = spawn(CS_NODE, [ENTRY, ...csArgs, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', WS], {
    stdio: ['ignore', log, log], env: childEnv, detached: true, // its own process group, killed as a whole
  });
  let browser;
  try {
    let up = false;
    for (const end = Date.now() + T; !up && Date.now() < end; await sleep(200)) {
      up = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    }
    if (!check('code-server up', up, `log ${logFile}`)) return;

    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium', headless: true, env: childEnv,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(T);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(WS)}`);
    await page.locator('.monaco-workbench').waitFor();
    check('workbench loaded', true);

    const keys = async (...sequence) => {
      for (const key of sequence) await page.keyboard.press(key);
    };
    const quickOpen = async (name) => {
      await keys('Control+P');
      await page.keyboard.type(name);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
      await keys('Enter');
    };
    const goTo = async (lineColumn) => {
      await keys('Control+G');
      await page.keyboard.type(lineColumn);
      await keys('Enter');
    };

    await quickOpen('e2e.md');
    const editor = page.locator('.editor-instance .monaco-editor').first();
    check('note opened', await appears(editor.locator('.view-lines', { hasText: 'See [[Kir' })));

    // The status bar says how many articles and entities the index holds once the server is ready.
    const ready = page.locator('.statusbar-item', { hasText: 'marginalia: 5 articles' });
    const readyText = await appears(ready) ? await ready.first().innerText() : '';
    if (!check('status bar: index ready', readyText !== '', readyText.trim())) return;

    // Completion after `[[Kir`: John Kirby first.
    await goTo('2');
    await keys('End');
    const row = page.locator('.suggest-widget .monaco-list-row').first();
    let firstRow = '';
    for (let end = Date.now() + T; !firstRow.includes('John Kirby') && Date.now() < end;) {
      await keys('Control+Space');
      firstRow = await appears(row, { timeout: 3000 }) ? await row.innerText() : '';
      if (!firstRow.includes('John Kirby')) await keys('Escape');
    }
    await sleep(300); // let the details pane render for the screenshot
    await page.screenshot({ path: SHOT });
    check('completion [[Kir', firstRow.includes('John Kirby'), firstRow.replace(/\s+/g, ' '));
    console.log(`screenshot: ${SHOT}`);
    await keys('Escape');

    // Hover on the quote of line 1 shows it inside its sentence.
    await goTo('1:41');
    await keys('Control+K', 'Control+I');
    const hover = page.locator('.monaco-hover', { hasText: 'to support its military operations in Ukraine' });
    const hovered = await appears(hover);
    await page.screenshot({ path: SHOT.replace(/\.png$/, '-hover.png') });
    check('hover on a quote', hovered, hovered ? (await hover.first().innerText()).replace(/\s+/g, ' ').slice(0, 100) : '');
    await keys('Escape');

    // F12 on the quote opens the article with the quoted words selected.
    await keys('F12');
    const tab = page.locator('.tabs-container .tab.active', { hasText: `${ARTICLE}.txt` });
    check('F12 opens the article', await appears(tab));
    const selection = page.locator('#status\\.editor\\.selection');
    const at = await appears(selection.filter({ hasText: 'Ln 3, Col 2' })) ? await selection.innerText() : await selection.innerText().catch(() => '?');
    check('F12 lands on the quote', at.includes('Ln 3, Col 2'), at.replace(/\s+/g, ' '));

    // A wrong quote, saved, is listed in the Problems panel.
    await quickOpen('e2e.md');
    await goTo('3');
    await keys('Home', 'Shift+End');
    await page.keyboard.type(`Wrong: [@${ARTICLE}, "Wagner is searching around the globe for arms suppliers"].`);
    await keys('Escape', 'Control+S');
    await keys('Control+Shift+M');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'quote not found' });
    const reported = await appears(problem);
    check('Problems panel after save', reported,
      reported ? (await problem.first().innerText()).replace(/\s+/g, ' ').slice(0, 120) : '');
    await page.screenshot({ path: SHOT.replace(/\.png$/, '-problems.png') });
  } finally {
    if (browser) await browser.close();
    const alive = () => { try { process.kill(-codeServer.pid, 0); return true; } catch { return false; } };
    try { process.kill(-codeServer.pid, 'SIGTERM'); } catch {}
    for (let i = 0; i < 50 && alive(); i++) await sleep(100);
    if (alive()) try { process.kill(-codeServer.pid, 'SIGKILL'); } catch {}
    console.log(`${passed} passed, ${failed} failed`);
    if (failed || process.env.E2E_KEEP === '1') console.log(`logs kept in ${base}`);
    else fs.rmSync(base, { recursive: true, force: true });
  }
}

main().then(() => process.exit(failed || !passed ? 1 : 0), (error) => { console.error(error); process.exit(1); });
