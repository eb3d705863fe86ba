// End-to-end test of a PDF as an article in the real workbench: code-server with the packaged extension and the real
// server, driven through the UI by playwright-core and Debian's Chromium.
// The workspace (MARGINALIA_WS) holds tests/fixtures/pdf/tidal-survey.pdf (three pages) in sources/ and
// notes/survey.md, whose first line quotes words from its second page. Hover names the page; F12 opens the text the
// server extracted from the PDF as a read-only `marginalia:` document, with the cursor on the quoted words; the lens
// at its top counts the quotation, and references from the quoted sentence lead back to the note. A PDF copied into
// sources/ meanwhile is indexed. Prints one PASS/FAIL line per check and `N passed, N failed`; exits 0 only when
// every check passed. Environment: see harness.js.
const fs = require('fs');
const path = require('path');
const { WS, T, check, appears, poll, workbench } = require('./harness');

const QUOTED = 'no longer high enough for the tides';
const SENTENCE = 'Engineer Tomas Vellacott said the defences were "no longer high enough for the tides we now see '
  + 'every winter".';
const oneLine = (text) => String(text).replace(/\s+/g, ' ').trim();
// The PDF the test copies into sources/: gone before it starts (a second attempt runs in the same workspace).
const COPY = path.join(WS, 'sources/tidal-survey-copy.pdf');
fs.rmSync(COPY, { force: true });

workbench(async ({ page, keys, quickOpen, goTo, editor, shot }) => {
  const activeTab = page.locator('.tabs-container .tab.active');
  const selection = page.locator('#status\\.editor\\.selection');
  const statusText = async () => oneLine(await page.locator('.statusbar').innerText().catch(() => ''));
  const noteText = fs.readFileSync(path.join(WS, 'notes/survey.md'), 'utf8');
  // The column (1-based) where the quoted words start in the note's first line.
  const quoteColumn = noteText.indexOf(QUOTED) + 1;

  await quickOpen('survey.md');
  check('note opened', await appears(editor.locator('.view-lines', { hasText: QUOTED })));
  const ready = page.locator('.statusbar-item', { hasText: 'marginalia: 1 article' });
  if (!check('status bar: index ready', await appears(ready, { timeout: T }),
    await ready.first().innerText().catch(() => 'not shown'))) return;

  // Hover on the quote names the page the words are on (asked again until a hover with it shows).
  if (!check('cursor on the quote', await goTo(`1:${quoteColumn + 5}`))) return;
  const hover = page.locator('.monaco-hover', { hasText: 'p. 2' });
  const hovered = await poll(async () => {
    await keys('Escape', 'Control+K', 'Control+I');
    return appears(hover, { timeout: 3000 });
  });
  const said = hovered ? oneLine(await hover.first().innerText()) : '';
  await page.screenshot({ path: shot('pdf-hover') });
  check('hover names the page', said.includes('tidal-survey, p. 2'), said.slice(0, 200));
  await keys('Escape');

  // F12 opens the extracted text: a marginalia: document in plain text.
  await keys('F12');
  if (!check('F12 opens the text', await appears(activeTab.filter({ hasText: 'tidal-survey.pdf.txt' })),
    await activeTab.innerText().catch(() => 'no active tab'))) return;
  const shown = page.locator('.editor-instance .monaco-editor[data-uri^="marginalia:"]');
  const uri = await (await appears(shown) ? shown.first() : editor).getAttribute('data-uri');
  check('a marginalia: document', /^marginalia:.*\/sources\/tidal-survey\.pdf\.txt$/.test(uri), uri);
  const plain = page.locator('.statusbar-item', { hasText: /^Plain Text$/ });
  check('plain text', await appears(plain), await statusText());

  // The lines on screen, in order, with their numbers; and where the quoted words are among them.
  const screen = () => shown.first().evaluate((root) => {
    const text = (element) => element.textContent.replace(/\u00a0/g, ' ');
    const numbers = new Map([...root.querySelectorAll('.margin-view-overlays > div')]
      .map((row) => [row.style.top, Number(text(row).trim())]));
    return [...root.querySelectorAll('.view-lines > .view-line')]
      .map((line) => ({ top: parseFloat(line.style.top), number: numbers.get(line.style.top), text: text(line) }))
      .sort((a, b) => a.top - b.top);
  });
  const lines = await poll(async () => {
    const now = await screen();
    return oneLine(now.map((line) => line.text).join(' ')).includes(SENTENCE) && now;
  });
  check('the PDF text is shown', lines !== undefined && lines !== false,
    oneLine((await screen()).map((line) => line.text).join(' ')).slice(0, 200));
  const words = (lines || []).find((line) => line.text.includes('no longer high'));
  const expected = words ? `Ln ${words.number}, Col ${words.text.indexOf('no longer high') + 1}` : 'the words';
  const at = await appears(selection.filter({ hasText: new RegExp(`^${expected}\\b`) }))
    ? await selection.innerText() : await selection.innerText().catch(() => '?');
  await page.screenshot({ path: shot('pdf-definition') });
  check('F12 lands on the words', words !== undefined && at.startsWith(expected),
    `${oneLine(at)}; expected ${expected}`);

  // Read-only: typing says so and changes nothing.
  await keys('x');
  const refused = page.locator('.monaco-editor-overlaymessage', { hasText: 'read-only' });
  const refusedShown = await appears(refused);
  const after = await screen();
  const unchanged = words !== undefined
    && after.some((line) => line.number === words.number && line.text === words.text);
  check('read-only', refusedShown && unchanged,
    refusedShown ? await refused.first().innerText() : 'no read-only message');
  await keys('Escape');

  // The lens at the top counts the quotation.
  await keys('Control+Home');
  const lens = page.locator('.codelens-decoration', { hasText: 'quoted once' });
  check('lens at the top', await appears(lens),
    await page.locator('.codelens-decoration').first().innerText().catch(() => 'no lens'));

  // References on the quoted sentence lead back to the note (VS Code goes straight to a single reference).
  if (words) await goTo(`${words.number}:${words.text.indexOf('no longer high') + 1}`);
  await keys('Shift+F12');
  const back = `Ln 1, Col ${quoteColumn}`;
  const peek = page.locator('.zone-widget', { hasText: 'survey.md' });
  const led = await poll(async () => {
    if (await peek.count()) return oneLine(await peek.first().innerText());
    const tab = (await activeTab.innerText().catch(() => '')).replace(/\s+/g, '');
    const cursor = await selection.innerText().catch(() => '');
    return tab === 'survey.md' && cursor.startsWith(back) && `${tab}: ${cursor}`;
  });
  await page.screenshot({ path: shot('pdf-references') });
  check('references lead to the note', Boolean(led), led || `${await activeTab.innerText().catch(() => '?')}: `
    + `${await selection.innerText().catch(() => '?')}`);

  // A PDF copied into sources/ meanwhile is indexed.
  fs.copyFileSync(path.join(WS, 'sources/tidal-survey.pdf'), COPY);
  const two = page.locator('.statusbar-item', { hasText: 'marginalia: 2 articles' });
  check('a new PDF is indexed', await appears(two), await statusText());
});
