// End-to-end test of document links and of renaming a source in the real workbench: code-server with the packaged
// extension and the real server, driven through the UI by playwright-core and Debian's Chromium.
// The workspace (MARGINALIA_WS) holds the sample articles in sources/ and three notes: notes/open.md, the one
// opened here, and notes/closed.md and notes/people.md, which cite the same article or mention the same person
// and are never opened by the test. Prints one PASS/FAIL line per check and `N passed, N failed`; exits 0 only
// when every check passed. Environment: see harness.js.
const fs = require('fs');
const path = require('path');
const { WS, T, ARTICLE, check, appears, poll, workbench } = require('./harness');

const NEW = 'wagner-arms';
const read = (file) => { try { return fs.readFileSync(file, 'utf8'); } catch { return undefined; } };
const exists = (file) => fs.existsSync(file);
const oneLine = (text) => String(text).replace(/\s+/g, ' ');

workbench(async ({ page, keys, quickOpen, goTo, command, editor, indexReady, shot }) => {
  const activeTab = page.locator('.tabs-container .tab.active');
  // Points the mouse at `link` as a user does (Playwright's own hover and click scroll Monaco's view to the element
  // first, which moves it); returns the middle of the link.
  const pointAt = async (link) => {
    // Monaco draws the line again when decorations arrive: ask for the link's place until it has one.
    const box = await poll(() => link.first().boundingBox().catch(() => null));
    if (!box) throw new Error(`no link to point at: ${link}`);
    const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
    await page.mouse.move(x, y);
    return [x, y];
  };
  // Ctrl+click on `link`; `whileHeld` runs with the mouse on it and Ctrl down, and its answer is returned.
  const ctrlClick = async (link, whileHeld = async () => undefined) => {
    const [x, y] = await pointAt(link);
    await page.keyboard.down('Control');
    await page.mouse.move(x + 1, y);
    const answer = await whileHeld();
    await page.mouse.down();
    await page.mouse.up();
    await page.keyboard.up('Control');
    return answer;
  };
  const note = path.join(WS, 'notes/open.md');
  const closed = path.join(WS, 'notes/closed.md');
  const article = path.join(WS, 'sources', `${ARTICLE}.txt`);
  const renamed = path.join(WS, 'sources', `${NEW}.txt`);
  const [noteText, closedText, articleText] = [note, closed, article].map(read);

  await quickOpen('open.md');
  check('note opened', await appears(editor.locator('.view-lines', { hasText: 'Then:' })));
  if (!await indexReady()) return;

  // Each cited id is a link (VS Code underlines what the server's document links cover), asked again until the
  // index answers: one on the id of line 1 and one on the id of line 3, and nothing else.
  const links = editor.locator('.detected-link');
  const linked = await poll(async () => {
    const texts = await links.allInnerTexts();
    return texts.length === 2 && texts.every((text) => text === ARTICLE) && texts;
  });
  check('each cited id is a link', linked, linked ? linked.join(', ') : (await links.allInnerTexts()).join(', '));

  // The mouse over the id of line 1: VS Code says where the link goes. With Ctrl held it underlines the id as a
  // link to follow, and Ctrl+click opens the article.
  const kirby = editor.locator('.view-line', { hasText: 'Kirby:' });
  await pointAt(kirby.locator('.detected-link'));
  // (The link's line of the hover; the server's own hover on the id may come with it.)
  const tooltip = page.locator('.monaco-hover', { hasText: `${ARTICLE}.txt (ctrl + click)` });
  const said = await appears(tooltip)
    ? (await tooltip.first().innerText()).split('\n').find((line) => line.includes('(ctrl + click)')) : '';
  await page.screenshot({ path: shot() });
  check('hover names the article', said !== '', `${said || 'no hover naming the file'}; screenshot: ${shot()}`);
  const underlined = await ctrlClick(kirby.locator('.detected-link'), () =>
    appears(editor.locator('.detected-link-active', { hasText: ARTICLE })));
  check('Ctrl+hover underlines the id', underlined);
  check('Ctrl+click opens the article', await appears(activeTab.filter({ hasText: `${ARTICLE}.txt` })),
    await activeTab.innerText().catch(() => 'no active tab'));
  // The article is a place too: a lens at its top says how the notes use it.
  const lens = page.locator('.codelens-decoration', { hasText: 'cited in 2 notes' });
  check('lens on the article', await appears(lens),
    await page.locator('.codelens-decoration').first().innerText().catch(() => 'no lens'));

  // F2 on the id of line 1: VS Code asks the server what to rename and offers the id itself.
  await quickOpen('open.md');
  if (!check('cursor on the id', await goTo('1:12'),
    await page.locator('#status\\.editor\\.selection').innerText().catch(() => 'no cursor position'))) return;
  // (Typing before the box has the focus would replace the note's text instead.)
  const input = page.locator('.rename-box .rename-input:focus');
  await keys('F2');
  let offered = await appears(input, { timeout: T / 2 }) ? await input.first().inputValue() : '';
  if (!offered) {
    // A busy workbench can drop the key while it settles the tab just switched to: press it once more.
    await page.screenshot({ path: shot('f2') });
    await keys('F2');
    offered = await appears(input, { timeout: T / 2 }) ? await input.first().inputValue() : '';
  }
  if (!check('F2 offers the id', offered === ARTICLE, offered || `no focused rename box; screenshot: ${shot('f2')}`)) return;
  await keys('Control+A');
  await page.keyboard.type(NEW);
  await keys('Enter');

  // The open note shows the new id in both citations, and no longer the old one.
  const lines = editor.locator('.view-lines');
  const shown = await poll(async () => {
    const text = await lines.innerText();
    return text.split(NEW).length === 3 && !text.includes(ARTICLE) && text;
  });
  check('rename: this note', shown, oneLine(shown || await lines.innerText()));

  // The article's file is renamed on disk, with its text.
  const moved = await poll(async () => exists(renamed) && !exists(article));
  check('rename: article file', moved && read(renamed) === articleText,
    `sources/${ARTICLE}.txt ${exists(article) ? 'still there' : 'gone'}, sources/${NEW}.txt ${exists(renamed) ? 'there' : 'missing'}`);

  // The note that was never opened is edited too: on disk at once, or after File: Save All.
  const closedExpected = closedText.replaceAll(ARTICLE, NEW);
  let how = 'written by the rename';
  if (!await poll(async () => read(closed) === closedExpected, 3000)) {
    await command('File: Save All');
    how = 'written after File: Save All';
  }
  const closedNow = await poll(async () => read(closed) === closedExpected) ? closedExpected : read(closed);
  check('rename: closed note on disk', closedNow === closedExpected, closedNow === closedExpected ? how : closedNow);
  await keys('Control+S');
  const noteExpected = noteText.replaceAll(ARTICLE, NEW);
  const noteNow = await poll(async () => read(note) === noteExpected) ? noteExpected : read(note);
  check('rename: this note on disk', noteNow === noteExpected, oneLine(noteNow));

  // The server follows the file: after a short wait no unknown-source problem names the new id, the id links to
  // the renamed file, and a misspelt new id is reported with the new id as the suggestion.
  await keys('Control+Shift+M');
  const problems = page.locator('.markers-panel');
  const unknownNew = page.locator('.markers-panel .monaco-list-row', { hasText: `unknown source \`${NEW}\`` });
  // (The server may report the new id before it sees the file moved: wait until the panel has had none for 2 s.)
  let seen = false;
  let clearSince = Date.now();
  const clear = await poll(async () => {
    if (await unknownNew.count() > 0) {
      seen = true;
      clearSince = Date.now();
    }
    return Date.now() - clearSince >= 2000;
  }, T, 250);
  check('no unknown-source for it', clear, clear ? (seen ? 'gone after a moment' : 'none shown')
    : oneLine(await unknownNew.first().innerText().catch(() => '')));

  await quickOpen('open.md');
  await goTo('2');
  await keys('End');
  await page.keyboard.type(` [@${NEW.slice(0, -1)}]`);
  const typo = page.locator('.markers-panel .monaco-list-row',
    { hasText: `unknown source \`${NEW.slice(0, -1)}\`; did you mean \`${NEW}\`?` });
  const suggested = await appears(typo);
  await page.screenshot({ path: shot('problems') });
  check('a typo suggests the new id', suggested,
    oneLine(suggested ? await typo.first().innerText() : await problems.innerText().catch(() => 'no Problems panel')));
  check('still no unknown-source', await unknownNew.count() === 0);

  await ctrlClick(kirby.locator('.detected-link', { hasText: NEW }));
  check('the new id links to its file', await appears(activeTab.filter({ hasText: `${NEW}.txt` })),
    await activeTab.innerText().catch(() => 'no active tab'));
});
