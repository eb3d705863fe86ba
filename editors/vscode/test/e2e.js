// End-to-end test of the VS Code extension in the real workbench: code-server with the packaged .vsix, installed as
// a user installs it, and the marginalia server bundled inside it (marginalia.server.path is not set), driven through
// the UI by playwright-core and Debian's Chromium. Before code-server starts, the installed server loses its exec
// bit, as an extraction that drops file modes leaves it: the extension must make it executable and run it.
// The workspace (MARGINALIA_WS) holds the sample articles in sources/, notes/e2e.md and notes/unopened.md (never opened). Prints one PASS/FAIL line
// per check and `N passed, N failed`; exits 0 only when every check passed. Environment: see harness.js; SHOT is
// the screenshot of the completion list.
const fs = require('fs');
const path = require('path');
const { T, ARTICLE, check, appears, sleep, workbench } = require('./harness');

/** The server inside the installed extension, and whether the install left it executable. */
let bundled;
let installedExecutable;
const dropExecBit = ({ extension }) => {
  bundled = fs.realpathSync(path.join(extension, 'server', 'marginalia'));
  installedExecutable = (fs.statSync(bundled).mode & 0o111) !== 0;
  fs.chmodSync(bundled, 0o644);
};

workbench(async ({ page, keys, quickOpen, goTo, command, editor, indexReady, shot, servers }) => {
  await quickOpen('e2e.md');
  check('note opened', await appears(editor.locator('.view-lines', { hasText: 'See [[Kir' })));

  // The status bar says how many articles and entities the index holds once the server is ready.
  if (!await indexReady()) return;
  // The server that answers is the one bundled in the package, made executable again.
  const running = servers();
  check('the bundled server runs', running.length === 1 && running[0] === bundled,
    `${running.join(', ') || 'no server'} (the install left it ${installedExecutable ? '' : 'not '}executable)`);

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
  await page.screenshot({ path: shot() });
  check('completion [[Kir', firstRow.includes('John Kirby'), firstRow.replace(/\s+/g, ' '));
  console.log(`screenshot: ${shot()}`);
  await keys('Escape');

  // Completion after `[@`: every row shows the article's title beside its id (an id has no spaces; the title does).
  await goTo('4');
  await keys('End');
  await page.keyboard.type(' [@');
  const rows = page.locator('.suggest-widget .monaco-list-row');
  let shown = [];
  for (let end = Date.now() + T; shown.length < 2 && Date.now() < end;) {
    await keys('Control+Space');
    shown = await appears(rows, { timeout: 3000 }) ? await rows.allInnerTexts() : [];
    if (shown.length < 2) await keys('Escape');
  }
  await page.screenshot({ path: shot('ids') });
  const bare = shown.filter((text) => !text.trim().includes(' '));
  check('[@ rows show titles', shown.length >= 2 && bare.length === 0,
    `${shown.length} rows; ${bare.length ? `bare: ${bare.join(', ')}` : shown[0].replace(/\s+/g, ' ')}`);
  await keys('Escape');
  for (let i = 0; i < 3; i++) await keys('Backspace');

  // Hover on the quote of line 1 shows it inside its sentence.
  await goTo('1:41');
  await keys('Control+K', 'Control+I');
  const hover = page.locator('.monaco-hover', { hasText: 'to support its military operations in Ukraine' });
  const hovered = await appears(hover);
  await page.screenshot({ path: shot('hover') });
  check('hover on a quote', hovered, hovered ? (await hover.first().innerText()).replace(/\s+/g, ' ').slice(0, 100) : '');
  await keys('Escape');

  // F12 on the quote opens the article with the quoted words selected.
  await keys('F12');
  const tab = page.locator('.tabs-container .tab.active', { hasText: `${ARTICLE}.txt` });
  check('F12 opens the article', await appears(tab));
  const selection = page.locator('#status\\.editor\\.selection');
  const at = await appears(selection.filter({ hasText: 'Ln 3, Col 2' })) ? await selection.innerText() : await selection.innerText().catch(() => '?');
  check('F12 lands on the quote', at.includes('Ln 3, Col 2'), at.replace(/\s+/g, ' '));

  // A wrong quote, saved, is listed in the Problems panel. The line is inserted whole (no key events), so no
  // completion list opens halfway and takes a keystroke; the save waits until the tab is no longer dirty.
  await quickOpen('e2e.md');
  await goTo('3');
  await keys('Home', 'Shift+End');
  const wrong = `Wrong: [@${ARTICLE}, "Wagner is searching around the globe for arms suppliers"].`;
  await page.keyboard.insertText(wrong);
  const typed = await appears(editor.locator('.view-lines', { hasText: 'around the globe for arms suppliers' }));
  await keys('Escape', 'Control+S');
  const saved = await appears(page.locator('.tabs-container .tab.active:not(.dirty)', { hasText: 'e2e.md' }));
  if (!typed || !saved) check('wrong quote typed and saved', false, `typed: ${typed}, saved: ${saved}`);
  await keys('Control+Shift+M');
  const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'quote not found' });
  const reported = await appears(problem);
  check('Problems panel after save', reported,
    reported ? (await problem.first().innerText()).replace(/\s+/g, ' ').slice(0, 120) : '');
  // The Problems panel covers the notes never opened too: the server checks them when VS Code pulls.
  const unopened = page.locator('.markers-panel .monaco-list-row', { hasText: 'unknown source `no-such-article`' });
  const listed = await appears(unopened);
  check('Problems of an unopened note', listed,
    listed ? (await unopened.first().innerText()).replace(/\s+/g, ' ').slice(0, 120) : 'not listed');
  await page.screenshot({ path: shot('problems') });

  // The output says which server was started, and where it came from.
  await command('marginalia: Show output');
  const lines = page.locator('.part.panel .monaco-editor .view-lines');
  const started = lines.filter({ hasText: `Starting ${bundled} lsp (bundled with the extension)` });
  check('output names the bundled server', await appears(started),
    (await lines.first().innerText().catch(() => 'no output')).split('\n').find((line) => line.includes('Starting')));
}, { beforeStart: dropExecBit });
