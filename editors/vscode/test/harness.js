// What the code-server end-to-end scripts share (required by e2e.js, rename.js and the others): the environment they
// are given, PASS/FAIL lines with a closing `N passed, N failed`, a fresh profile with the packaged extension
// installed as a user installs it (its bundled server is what runs, unless a script sets marginalia.server.path),
// code-server on a free loopback port with the workspace open in Chromium, keyboard helpers, and the clean-up.
//
// CODE_SERVER     code-server's package folder (with out/node/entry.js)
// CS_NODE         the Node that code-server was installed with (Node 24)
// VSIX            the packaged extension, with the server inside (package.sh)
// MARGINALIA_WS   the workspace (sample articles in sources/, notes in notes/)
// SHOT            where to save the script's first screenshot (the others are saved beside it)
// E2E_TIMEOUT_MS  how long one step may wait;  E2E_KEEP=1 keeps the profile and logs
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
const WS = env('MARGINALIA_WS');
const T = Number(process.env.E2E_TIMEOUT_MS || 30000);
const ARTICLE = '000_cf61e6d1027e3aa9';
const ENTRY = path.join(CODE_SERVER, 'out/node/entry.js');
const t0 = Date.now();
let passed = 0;
let failed = 0;

/** One PASS/FAIL line; returns `ok`. */
const check = (name, ok, detail = '') => {
  const line = String(detail).replace(/\s+/g, ' ');
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name.padEnd(28)} ${String(Date.now() - t0).padStart(6)} ms  ${line}`);
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
/** Whether `locator` shows up (its first match) before the step's timeout. */
const appears = (locator, options) => locator.first().waitFor(options).then(() => true, () => false);
/** Asks `probe` again until it returns something truthy or `ms` passed; returns its last answer. */
const poll = async (probe, ms = T, every = 200) => {
  let answer = await probe();
  for (const end = Date.now() + ms; !answer && Date.now() < end; answer = await probe()) await sleep(every);
  return answer;
};

/** The folder under `extensions` that the packaged extension was installed into (its name has version and target). */
const installedExtension = (extensions) => {
  const name = fs.existsSync(extensions) && fs.readdirSync(extensions).find((n) => n.startsWith('marginalia.marginalia-'));
  return name ? path.join(extensions, name) : undefined;
};

/**
 * The files that the `marginalia lsp` processes of process group `group` run (read from /proc/<pid>/exe): which
 * server the extension started. code-server runs in its own group, and the extension host and the servers it
 * spawns stay in it, so servers of other tests running at the same time are not counted.
 */
const serversInGroup = (group) => {
  const files = [];
  for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...: comm may hold spaces, so the fields are counted after its parenthesis.
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (pgrp === group && path.basename(args[0]) === 'marginalia' && args[1] === 'lsp') {
        files.push(fs.readlinkSync(`/proc/${pid}/exe`));
      }
    } catch {
      // The process ended while it was looked at.
    }
  }
  return files;
};

/**
 * Installs the packaged extension into a fresh profile, opens the workspace in the real workbench and runs
 * `steps(ctx)`; an exception in it is a failure. Stops everything it started; returns when done, so that a script
 * can open several sessions (then `finish()`).
 * Options: `settings` are added to the user settings; `beforeStart({ extension })` runs after the install and
 * before code-server starts, with the folder the extension was installed into; `env` is added to the environment
 * of code-server (and so of the extension and the server).
 */
async function session(steps, { settings = {}, beforeStart, env: extraEnv = {} } = {}) {
  const failedBefore = failed;
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'marginalia-cs-'));
  const [userData, extensions] = ['data', 'exts'].map((d) => path.join(base, d));
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User/settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off', 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false,
    'update.mode': 'none', 'workbench.tips.enabled': false, 'chat.disableAIFeatures': true,
    'workbench.welcomePage.walkthroughs.openOnInstall': false, 'git.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'editor.autoClosingBrackets': 'never', 'editor.autoClosingQuotes': 'never', 'editor.autoSurround': 'never',
    ...settings,
  }));
  const csArgs = ['--user-data-dir', userData, '--extensions-dir', extensions];
  // code-server and Chromium write under the XDG folders: keep them in the temporary folder.
  const xdg = {
    XDG_CONFIG_HOME: path.join(base, 'xdg-config'),
    XDG_DATA_HOME: path.join(base, 'xdg-data'),
    XDG_CACHE_HOME: path.join(base, 'xdg-cache'),
  };
  const childEnv = { ...process.env, ...xdg };

  // As a user installs it: `--install-extension` is what "Install from VSIX..." does.
  const install = spawnSync(CS_NODE, [ENTRY, ...csArgs, '--install-extension', VSIX], { encoding: 'utf8', env: childEnv });
  const extension = installedExtension(extensions);
  const installed = check('install extension', install.status === 0 && extension !== undefined,
    (install.stdout + install.stderr).trim().split('\n').pop());
  const prepared = installed && await Promise.resolve(beforeStart && beforeStart({ extension })).then(() => true,
    (error) => check('before code-server starts', false, error && error.stack ? error.stack : error));
  if (!prepared) {
    console.log(`logs kept in ${base}`);
    return;
  }

  const port = await freePort();
  const logFile = path.join(base, 'code-server.log');
  const log = fs.openSync(logFile, 'w');
  const codeServer = spawn(CS_NODE, [ENTRY, ...csArgs, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', WS], {
    stdio: ['ignore', log, log], env: { ...childEnv, ...extraEnv }, detached: true, // its own process group
  });
  let browser;
  let page;
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
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(T);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(WS)}`);
    await page.locator('.monaco-workbench').waitFor();
    check('workbench loaded', true);

    const keys = async (...sequence) => {
      for (const key of sequence) await page.keyboard.press(key);
    };
    /** Opens a file by name with Quick Open (Enter once the focused row is that file), and waits for its tab. */
    const quickOpen = async (name) => {
      await keys('Control+P');
      await page.keyboard.type(name);
      await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).first().waitFor();
      await keys('Enter');
      await page.locator('.tabs-container .tab.active', { hasText: name }).first().waitFor();
    };
    /**
     * Moves the cursor with Go to Line (`'3'` or `'1:12'`): types only once the box has the focus (typed earlier,
     * the keys would edit the note) and returns whether the status bar then shows the cursor there.
     */
    const goTo = async (lineColumn) => {
      await keys('Control+G');
      await page.locator('.quick-input-widget input:focus').first().waitFor();
      await page.keyboard.type(lineColumn);
      await keys('Enter');
      const [line, column] = lineColumn.split(':');
      const at = new RegExp(`Ln ${line}, Col ${column || '\\d+'}\\b`);
      return appears(page.locator('#status\\.editor\\.selection', { hasText: at }));
    };
    /** Runs a command from the command palette by its title. */
    const command = async (title) => {
      await keys('Control+Shift+P');
      await page.keyboard.type(title);
      await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title }).first().waitFor();
      await keys('Enter');
    };
    /** The editor of the active tab. */
    const editor = page.locator('.editor-instance .monaco-editor').first();
    /** Waits until the status bar shows the index ready (the server answers from then on) and checks it. */
    const indexReady = async () => {
      const ready = page.locator('.statusbar-item', { hasText: 'marginalia: 5 articles' });
      const text = await appears(ready) ? await ready.first().innerText() : '';
      return check('status bar: index ready', text !== '', text.trim());
    };
    const shot = (suffix) => {
      const file = process.env.SHOT || path.join(os.tmpdir(), 'marginalia-vscode.png');
      return suffix ? file.replace(/\.png$/, `-${suffix}.png`) : file;
    };
    /** The files that the servers started by the extension run. */
    const servers = () => serversInGroup(codeServer.pid);
    await steps({ page, keys, quickOpen, goTo, command, editor, indexReady, shot, base, extension, servers });
  } catch (error) {
    check('no exception', false, error && error.stack ? error.stack : error);
    const file = path.join(base, 'failure.png');
    if (page && await page.screenshot({ path: file }).then(() => true, () => false)) console.log(`screenshot: ${file}`);
  } finally {
    if (browser) await browser.close();
    // SIGTERM the whole group (code-server, extension host, file watcher, language servers), then SIGKILL.
    const alive = () => { try { process.kill(-codeServer.pid, 0); return true; } catch { return false; } };
    try { process.kill(-codeServer.pid, 'SIGTERM'); } catch {}
    for (let i = 0; i < 50 && alive(); i++) await sleep(100);
    if (alive()) try { process.kill(-codeServer.pid, 'SIGKILL'); } catch {}
    if (failed > failedBefore || process.env.E2E_KEEP === '1') console.log(`logs kept in ${base}`);
    else fs.rmSync(base, { recursive: true, force: true });
  }
}

/** Prints the closing line and exits 0 only when every check passed. */
function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed || !passed ? 1 : 0);
}

/** One session (see `session`), then `finish()`: the whole of most scripts. */
async function workbench(steps, options) {
  await session(steps, options);
  finish();
}

module.exports = { WS, T, ARTICLE, check, appears, poll, sleep, session, finish, workbench };
