// End-to-end test of a server that cannot be started, in the real workbench: code-server with the packaged
// extension, in two sessions:
//   1. `marginalia.server.path` names a file that does not exist (it is not passed over for the bundled server);
//   2. the extension has no bundled server (a package built without one) and no `marginalia` is on PATH.
// Each time the writer gets one message that says what to do, with a button to the setting, and a status bar that
// says the server is not started (not "starting" for the rest of the session); no server runs.
// Prints one PASS/FAIL line per check and `N passed, N failed`. Environment: see harness.js.
const fs = require('fs');
const path = require('path');
const { check, appears, sleep, session, finish } = require('./harness');

const MISSING = '/nonexistent/bin/marginalia';

/**
 * The checks of a failed start: the status bar, then (once whatever else would come has come) exactly one message
 * that contains every one of `says`, with the button to the setting. Returns that message's toast.
 */
async function saysOnce({ page, shot, servers }, name, says) {
  const stopped = page.locator('.statusbar-item', { hasText: 'marginalia: not started' });
  check(`${name}: status bar`, await appears(stopped),
    await page.locator('.statusbar-item', { hasText: 'marginalia' }).first().innerText().catch(() => 'no item'));
  await sleep(3000); // whatever else would come has come by now
  const toasts = page.locator('.notifications-toasts .notification-toast', { hasText: 'marginalia' });
  const said = await toasts.allInnerTexts();
  await page.screenshot({ path: shot(name.replace(/\W+/g, '-')) });
  check(`${name}: one message`,
    said.length === 1 && says.every((words) => said[0].includes(words)) && said[0].includes('Open settings'),
    said.map((text) => text.replace(/\s+/g, ' ')).join(' | ') || 'none');
  check(`${name}: never "starting"`, !(await page.locator('.statusbar-item', { hasText: 'starting' }).count()));
  const running = servers();
  check(`${name}: no server runs`, running.length === 0, running.join(', '));
  return toasts.first();
}

(async () => {
  // 1. A wrong setting: the message names the path, and its button opens the setting.
  await session(async (ctx) => {
    await ctx.quickOpen('note.md');
    const toast = await saysOnce(ctx, 'wrong server.path', [MISSING, 'does not exist']);
    await toast.locator('.monaco-button', { hasText: 'Open settings' }).click();
    const setting = ctx.page.locator('.settings-editor .setting-item', { hasText: 'to run instead of the one bundled' });
    check('button opens the setting', await appears(setting),
      await setting.first().innerText().then((text) => text.slice(0, 100), () => 'not shown'));
    await ctx.page.screenshot({ path: ctx.shot('setting') });
  }, { settings: { 'marginalia.server.path': MISSING } });

  // 2. No bundled server and none on PATH: the message says how to get one.
  const withoutServer = (process.env.PATH || '').split(path.delimiter)
    .filter((folder) => folder && !fs.existsSync(path.join(folder, 'marginalia'))).join(path.delimiter);
  await session(async (ctx) => {
    await ctx.quickOpen('note.md');
    await saysOnce(ctx, 'no server', ['no bundled server', 'not on PATH', 'cargo install marginalia']);
  }, {
    beforeStart: ({ extension }) => fs.rmSync(path.join(extension, 'server'), { recursive: true }),
    env: { PATH: withoutServer },
  });
  finish();
})();
