// End-to-end test of a saved web page as an article in the real workbench: code-server with the packaged extension
// and the real server, driven through the UI by playwright-core and Debian's Chromium.
// The workspace (MARGINALIA_WS) holds tests/fixtures/pages/harbour-strike.html in sources/ and notes/pages.md, whose
// first line quotes words that stand across an inline tag of the page. Hover shows the passage with the page's line;
// F12 opens the .html itself with the quoted bytes selected. Prints one PASS/FAIL line per check and
// `N passed, N failed`; exits 0 only when every check passed. Environment: see harness.js.
const { T, check, appears, workbench } = require('./harness');

workbench(async ({ page, keys, quickOpen, goTo, editor, shot }) => {
  await quickOpen('pages.md');
  check('note opened', await appears(editor.locator('.view-lines', { hasText: 'offered a three per cent rise' })));
  const ready = page.locator('.statusbar-item', { hasText: 'marginalia: 1 article' });
  if (!check('status bar: index ready', await appears(ready, { timeout: T }),
    await ready.first().innerText().catch(() => 'not shown'))) return;

  // Hover on the quote shows it in its passage, with the line of the page it stands on.
  await goTo('1:40');
  await keys('Control+K', 'Control+I');
  const hover = page.locator('.monaco-hover', { hasText: 'three per cent' });
  const hovered = await appears(hover);
  const said = hovered ? (await hover.first().innerText()).replace(/\s+/g, ' ') : '';
  await page.screenshot({ path: shot('page-hover') });
  check('hover on a quote', hovered && said.includes('line 30'), said.slice(0, 160));
  await keys('Escape');

  // F12 opens the page itself, the quoted words selected where they stand in its markup.
  await keys('F12');
  const tab = page.locator('.tabs-container .tab.active', { hasText: 'harbour-strike.html' });
  check('F12 opens the page', await appears(tab));
  const selection = page.locator('#status\\.editor\\.selection');
  const at = await appears(selection.filter({ hasText: /Ln 30, Col 54\b/ }))
    ? await selection.innerText() : await selection.innerText().catch(() => '?');
  await page.screenshot({ path: shot('page-definition') });
  check('F12 lands on the words', /Ln 30, Col 54\b/.test(at), at.replace(/\s+/g, ' '));
});
