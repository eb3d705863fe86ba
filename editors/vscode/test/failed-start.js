// End-to-end test of a server that cannot be started, in the real workbench: code-server with the packaged
// extension, `marginalia.server.path` set to a file that does not exist. The writer gets one message saying what to
// do, and a status bar that says the server is not started (not "starting" for the rest of the session).
// Prints one PASS/FAIL line per check and `N passed, N failed`. Environment: see harness.js.
const { check, appears, sleep, workbench } = require('./harness');

const MISSING = '/nonexistent/bin/marginalia';

workbench(async ({ page, quickOpen, shot }) => {
  await quickOpen('note.md');
  const stopped = page.locator('.statusbar-item', { hasText: 'marginalia: not started' });
  check('status bar: not started', await appears(stopped),
    await page.locator('.statusbar-item', { hasText: 'marginalia' }).first().innerText().catch(() => 'no item'));
  // Whatever else would come has come by now.
  await sleep(3000);
  const toasts = page.locator('.notifications-toasts .notification-toast', { hasText: 'marginalia' });
  const said = await toasts.allInnerTexts();
  await page.screenshot({ path: shot('failed-start') });
  check('one message', said.length === 1 && said[0].includes(MISSING) && said[0].includes('Open settings'),
    said.map((text) => text.replace(/\s+/g, ' ')).join(' | ') || 'none');
  check('never "starting"', !(await page.locator('.statusbar-item', { hasText: 'starting' }).count()));
}, { 'marginalia.server.path': MISSING });
