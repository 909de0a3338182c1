// The packaged extension in real VS Code: code-server serves the workbench, the system's
// Chromium runs it (driven by playwright-core), and the test acts as a user would, with the
// mouse and the keyboard, on a copy of examples/kursk. run.sh prepares everything and sets:
//
//   NEWSMARK_SERVER      the newsmark binary (given to the extension as newsmark.server.path)
//   CODE_SERVER          code-server's entry script (install-code-server.sh prints it)
//   NEWSMARK_VSIX        the packaged extension
//   CHROMIUM             the browser binary
//   NEWSMARK_ARTIFACTS   where the screenshots go
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`e2e.test.js: ${name} is not set (run e2e/run.sh)`);
  return value;
};
const server = env('NEWSMARK_SERVER');
const codeServer = env('CODE_SERVER');
const vsix = env('NEWSMARK_VSIX');
const chromiumBin = env('CHROMIUM');
const artifacts = env('NEWSMARK_ARTIFACTS');
const repo = path.resolve(__dirname, '..', '..', '..');

const ARTICLE = 'kursk-pows.news';
const REGISTRY = 'entities.news';
const STATUS_ITEM = '#newsmark\\.newsmark\\.newsmark\\.status';
const LONG = 60_000;

let tmp;
let workspace;
let settingsFile;
let settings;
let codeServerProcess;
let codeServerLog = '';
let browser;
let page;
/** The findings `newsmark check` reports for the copy of the example, as the Problems panel words them. */
let expected;

// ---------------------------------------------------------------------------------------------
// Setting up: a workspace, code-server with the extension installed, a browser.

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * code-server keeps logs and a heartbeat under the XDG directories whatever its other
 * options say; they go to the test's directory too, so nothing is left in the home directory.
 */
function codeServerEnv(dataDir) {
  return {
    ...process.env,
    XDG_DATA_HOME: path.join(dataDir, 'xdg-data'),
    XDG_CONFIG_HOME: path.join(dataDir, 'xdg-config'),
    XDG_CACHE_HOME: path.join(dataDir, 'xdg-cache'),
  };
}

function codeServerArgs(dataDir) {
  return [
    codeServer,
    '--config', path.join(dataDir, 'config.yaml'),
    '--user-data-dir', path.join(dataDir, 'user-data'),
    '--extensions-dir', path.join(dataDir, 'extensions'),
  ];
}

function severityWord(severity) {
  return { error: 'Error', warning: 'Warning', info: 'Info', hint: 'Hint' }[severity] ?? severity;
}

/** `newsmark check`'s findings, keyed as parseMarker() keys a row of the Problems panel. */
function checkFindings(dir) {
  let out;
  try {
    out = execFileSync(server, ['check', dir, '--format', 'json'], { encoding: 'utf8' });
  } catch (error) {
    out = error.stdout; // exit status 1 when there are errors; the JSON is there all the same
  }
  return JSON.parse(out).findings.map((f) => `${path.basename(f.file)}|${severityWord(f.severity)}|${f.line}:${f.column}|${f.message}`);
}

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'newsmark-vscode-e2e-'));
  workspace = path.join(tmp, 'kursk');
  fs.cpSync(path.join(repo, 'examples', 'kursk'), workspace, { recursive: true });
  expected = checkFindings(workspace).sort();
  assert.ok(expected.length > 0, 'the example has findings to show');

  const dataDir = path.join(tmp, 'code-server');
  fs.mkdirSync(path.join(dataDir, 'user-data', 'User'), { recursive: true });
  fs.mkdirSync(path.join(dataDir, 'extensions'), { recursive: true });
  // code-server's config of the test's own, so that ~/.config/code-server is neither read nor written.
  fs.writeFileSync(path.join(dataDir, 'config.yaml'), 'auth: none\ncert: false\n');
  settingsFile = path.join(dataDir, 'user-data', 'User', 'settings.json');
  settings = {
    'newsmark.server.path': server,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'security.workspace.trust.enabled': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    // Typing in the test must not be completed by guesses: only what the server offers.
    'editor.acceptSuggestionOnCommitCharacter': false,
  };
  fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2));

  execFileSync(process.execPath, [...codeServerArgs(dataDir), '--install-extension', vsix], { stdio: 'pipe', env: codeServerEnv(dataDir) });

  const port = await freePort();
  // Its own process group (detached), so that code-server, its extension host and the
  // language server it starts all end with one kill of the group.
  codeServerProcess = spawn(
    process.execPath,
    [
      ...codeServerArgs(dataDir),
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-workspace-trust',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: codeServerEnv(dataDir) },
  );
  const listening = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      codeServerLog += chunk;
      if (codeServerLog.includes('HTTP server listening')) resolve();
    };
    codeServerProcess.stdout.on('data', onData);
    codeServerProcess.stderr.on('data', onData);
    codeServerProcess.once('exit', (code) => reject(new Error(`code-server exited (${code}):\n${codeServerLog}`)));
    setTimeout(() => reject(new Error(`code-server did not listen within 30 s:\n${codeServerLog}`)), 30_000);
  });
  await listening;

  browser = await chromium.launch({ executablePath: chromiumBin });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  // From the first moment of the workbench: every distinct state of the Problems panel and of
  // the problem counter, and every state of the newsmark status bar item, sampled every 20 ms.
  await page.addInitScript(() => {
    const seen = { problems: [], counts: [], status: [] };
    window.__newsmark = seen;
    const push = (list, value) => {
      if (value !== null && value !== undefined && list[list.length - 1] !== value) list.push(value);
    };
    setInterval(() => {
      const rows = [...document.querySelectorAll('.markers-panel .monaco-list-row')].map((r) => r.getAttribute('aria-label'));
      push(seen.problems, JSON.stringify(rows));
      push(seen.counts, document.getElementById('status.problems')?.getAttribute('aria-label'));
      push(seen.status, document.getElementById('newsmark.newsmark.newsmark.status')?.getAttribute('aria-label'));
    }, 20);
  });
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: LONG });
});

function processGroupMembers(pgid) {
  const members = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return members;
}

after(async () => {
  if (page) {
    await page.screenshot({ path: path.join(artifacts, 'workbench-end.png') }).catch(() => undefined);
  }
  await browser?.close().catch(() => undefined);
  const pgid = codeServerProcess?.pid;
  if (pgid !== undefined) {
    try {
      process.kill(-pgid, 'SIGTERM');
    } catch {
      // already gone
    }
    const deadline = Date.now() + 5000;
    while (processGroupMembers(pgid).length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    if (processGroupMembers(pgid).length > 0) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Acting as a user.

/** Waits until `predicate()` (async) holds, or fails with `what`. */
async function until(predicate, what, timeout = LONG) {
  const start = Date.now();
  let last;
  for (;;) {
    last = await predicate();
    if (last) return last;
    if (Date.now() - start > timeout) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs a command from the command palette by its title, as a user types it. */
async function runCommand(title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  // The focused row, not just a row: until the list is filtered, the focus is on the most
  // recently used command, which Enter would run instead.
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Opens a file of the workspace from the Explorer. */
async function openFile(name) {
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().click();
  await until(async () => (await activeTab()) === name, `${name} to be the active editor`, 10_000);
}

async function activeTab() {
  return (await page.locator('.tabs-container .tab.active .label-name').first().textContent().catch(() => ''))?.trim();
}

/** Moves the cursor with Go to Line (`line:column`, 1-based as the status bar shows them). */
async function goTo(line, column) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await until(async () => (await cursor()) === `Ln ${line}, Col ${column}`, `the cursor at ${line}:${column}`, 10_000);
}

async function cursor() {
  return (await page.locator('#status\\.editor\\.selection').textContent().catch(() => ''))?.trim();
}

/** The 1-based column of `needle` on `line` of `file` in the workspace, plus `offset`. */
function columnOf(file, line, needle, offset = 0) {
  const text = fs.readFileSync(path.join(workspace, file), 'utf8').split('\n')[line - 1];
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `${needle} on line ${line} of ${file}`);
  // The status bar counts UTF-16 code units; the example's lines before the needles are ASCII
  // or BMP text, so the string index is the column.
  return at + 1 + offset;
}

const MARKER = /^(Error|Warning|Info|Hint): (.*) at line (\d+) and character (\d+)\. generated by newsmark$/s;
const RESOURCE = /^\d+ problems? in file (.+) of folder /;

/**
 * The rows of the Problems panel as findings (`file|Severity|line:column|message`); a row of
 * anything else (another source, an unparsable row) is returned as it is, so it fails a
 * comparison.
 */
function parseRows(rows) {
  const findings = [];
  let file = '?';
  for (const row of rows) {
    const resource = RESOURCE.exec(row ?? '');
    if (resource) {
      file = resource[1];
      continue;
    }
    const marker = MARKER.exec(row ?? '');
    findings.push(marker ? `${file}|${marker[1]}|${marker[3]}:${marker[4]}|${marker[2]}` : `unexpected row: ${row}`);
  }
  return findings.sort();
}

async function problems() {
  const rows = await page.locator('.markers-panel .monaco-list-row').evaluateAll((els) => els.map((r) => r.getAttribute('aria-label')));
  return parseRows(rows);
}

async function saveAll() {
  await page.keyboard.press('Escape');
  await runCommand('File: Save All');
  await until(async () => (await page.locator('.tabs-container .tab.dirty').count()) === 0, 'every editor saved', 10_000);
}

function read(file) {
  return fs.readFileSync(path.join(workspace, file), 'utf8');
}

/**
 * The file once the workbench has saved it over `before`: the editor writes in place, so a read
 * can catch it half written (it did, once: an article of fewer lines than it has); the content
 * counts once two reads a moment apart agree.
 */
async function readSaved(file, before, what) {
  let last;
  return until(
    async () => {
      const now = read(file);
      const settled = now !== before && now === last;
      last = now;
      return settled ? now : undefined;
    },
    what,
    10_000,
  );
}

async function shot(name) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`) });
}

let failures = 0;
/** A test that leaves a screenshot of the workbench when it fails. */
function step(name, fn) {
  test(name, async () => {
    try {
      await fn();
    } catch (error) {
      failures += 1;
      await page?.screenshot({ path: path.join(artifacts, `failed-${failures}.png`) }).catch(() => undefined);
      throw error;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The tests, in the order a user meets things. Each leaves the workspace as `newsmark check`
// sees it, so the next can rely on the Problems panel.

step('the Problems panel holds exactly the findings of newsmark check, and never a false one while starting', async () => {
  // Problems panel first, so that it is watched from before the server's first message.
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel').waitFor({ timeout: LONG });
  // The extension starts with a folder that holds articles, before any is opened.
  await until(async () => (await page.locator(STATUS_ITEM).getAttribute('aria-label').catch(() => null)) === 'newsmark language server: running', 'the server to run before an article is opened');
  assert.equal(await page.locator('.tabs-container .tab').count(), 0, 'no editor open yet');
  await openFile(ARTICLE);
  await until(async () => JSON.stringify(await problems()) === JSON.stringify(expected), 'the expected findings', LONG).catch(async (error) => {
    throw new Error(`${error.message}\nexpected: ${JSON.stringify(expected, null, 1)}\nshown: ${JSON.stringify(await problems(), null, 1)}`);
  });
  // Stays so: nothing comes later (a second publication after indexing, say).
  await page.waitForTimeout(1500);
  assert.deepEqual(await problems(), expected);

  const seen = await page.evaluate(() => window.__newsmark);
  const expectedSet = new Set(expected);
  for (const state of seen.problems) {
    for (const finding of parseRows(JSON.parse(state))) {
      assert.ok(expectedSet.has(finding), `the Problems panel showed a finding newsmark check does not report, while starting: ${finding}\nall states: ${seen.problems.join('\n')}`);
    }
  }
  // The counter in the status bar (all files, whatever the panel shows) never went above.
  const errors = expected.filter((f) => f.includes('|Error|')).length;
  const warnings = expected.filter((f) => f.includes('|Warning|')).length;
  for (const label of seen.counts) {
    const e = Number(/Errors: (\d+)/.exec(label)?.[1] ?? 0);
    const w = Number(/Warnings: (\d+)/.exec(label)?.[1] ?? 0);
    assert.ok(e <= errors && w <= warnings, `the problem counter showed "${label}" (expected at most ${errors} errors, ${warnings} warnings): ${seen.counts.join(' → ')}`);
  }
  await shot('problems');
});

step('the status bar item shows the server running, after starting', async () => {
  const item = page.locator(STATUS_ITEM);
  await until(async () => (await item.getAttribute('aria-label')) === 'newsmark language server: running', 'the status item to say running');
  assert.match((await item.textContent()) ?? '', /newsmark/);
  const states = (await page.evaluate(() => window.__newsmark.status)).filter(Boolean);
  assert.deepEqual(states.slice(-1), ['newsmark language server: running']);
  assert.ok(!states.some((s) => s.endsWith('error')), `no error on the way: ${states.join(' → ')}`);
  // Its tooltip says so in words, and offers a restart.
  await item.hover();
  const tooltip = page.locator('.monaco-hover:visible').filter({ hasText: 'newsmark language server' });
  await tooltip.first().waitFor({ timeout: 10_000 });
  assert.match((await tooltip.first().textContent()) ?? '', /running/);
  assert.equal(await tooltip.first().locator('a', { hasText: 'Restart the server' }).count(), 1);
  await page.mouse.move(700, 300);
  await page.keyboard.press('Escape');
});

step('hover on a mention shows its card', async () => {
  await goTo(19, columnOf(ARTICLE, 19, '(@blinken)', 2));
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'Antony Blinken' });
  await hover.first().waitFor({ timeout: 10_000 });
  const text = await hover.first().textContent();
  assert.match(text, /Antony Blinken/);
  assert.match(text, /U\.S\. Secretary of State/);
  await shot('hover');
  await page.keyboard.press('Escape');
});

/** Types `typed` at the end of `line`, waits for a suggestion for `id`, accepts it; the line as saved. */
async function complete(line, typed, id) {
  // Word wrap is on for articles, so End would stop where the line wraps.
  await goTo(line, read(ARTICLE).split('\n')[line - 1].length + 1);
  await page.keyboard.type(typed, { delay: 60 });
  const row = page.locator('.suggest-widget.visible .monaco-list-row').filter({ hasText: id });
  try {
    await row.first().waitFor({ timeout: 15_000 });
  } catch (error) {
    const rows = await page.locator('.suggest-widget .monaco-list-row').evaluateAll((els) => els.map((r) => r.getAttribute('aria-label')));
    throw new Error(`no suggestion of ${id} after typing "${typed}": ${JSON.stringify(rows)}`);
  }
  // The entity offered must be the one selected, so that Enter takes it. The row can show up a
  // moment before the widget's focus moves to it (seen once after "@SBU": SSU listed, Seoul still
  // focused, while the widget was updating), so the focus gets a moment to settle, as a writer's
  // eye would before pressing Enter.
  const focusedLabel = async () => (await page.locator('.suggest-widget.visible .monaco-list-row.focused').first().getAttribute('aria-label')) ?? '';
  await until(async () => new RegExp(id).test(await focusedLabel()), `the suggestion of ${id} to be focused`, 3000).catch(() => undefined);
  assert.match(await focusedLabel(), new RegExp(id), `the first suggestion after "${typed}"`);
  const before = read(ARTICLE);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+S');
  return (await readSaved(ARTICLE, before, 'the article saved')).split('\n')[line - 1];
}

/** Undoes and saves until the article is `original` again. */
async function undoUntil(original) {
  for (let i = 0; i < 12 && read(ARTICLE) !== original; i++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Z');
    await page.keyboard.press('Control+S');
    await page.waitForTimeout(250);
  }
  assert.equal(read(ARTICLE), original, 'undo restores the article');
}

// What a writer types: the start of a surname, a first name (not the id), an alias.
for (const [typed, id, what] of [
  [' @Blin', 'blinken', 'a capitalised name'],
  [' @Antony', 'blinken', 'a first name'],
  [' @SBU', 'SSU', 'an alias'],
]) {
  step(`completion after @ and ${what} ("${typed.trim()}") offers @${id}, and accepting it inserts the id`, async () => {
    const original = read(ARTICLE);
    const line = 37;
    const before = original.split('\n')[line - 1];
    try {
      assert.equal(await complete(line, typed, id), `${before} @${id}`);
    } finally {
      await undoUntil(original);
    }
    await until(async () => JSON.stringify(await problems()) === JSON.stringify(expected), 'the findings after undoing the completion');
  });
}

step('go to definition lands in the registry', async () => {
  await goTo(19, columnOf(ARTICLE, 19, '(@blinken)', 3));
  await page.keyboard.press('F12');
  await until(async () => (await activeTab()) === REGISTRY, 'the registry to open');
  const line = read(REGISTRY).split('\n').findIndex((l) => l.startsWith('[@blinken]:')) + 1;
  await until(async () => (await cursor())?.startsWith(`Ln ${line},`), `the cursor on line ${line} of the registry`, 10_000);
});

step('a code lens click opens the references view', async () => {
  // The registry is open; each definition has a lens counting its mentions.
  const lens = page.locator('.codelens-decoration a').filter({ hasText: /mention/ });
  await lens.first().waitFor({ timeout: LONG });
  const title = await lens.first().textContent();
  const count = Number(/(\d+)/.exec(title)?.[1]);
  await lens.first().click();
  const peek = page.locator('.reference-zone-widget');
  await peek.waitFor({ timeout: 15_000 });
  // Its heading counts the locations: "Locations (4)".
  const heading = await until(async () => /\((\d+)\)/.exec((await peek.locator('.peekview-title').textContent()) ?? ''), 'the references view to count its locations', 10_000);
  assert.equal(Number(heading[1]), count, `the view lists the lens's ${count} mentions`);
  assert.ok((await peek.locator('.monaco-list-row').count()) > 0, 'the references view lists files');
  await shot('code-lens-references');
  // VS Code reports a command whose arguments it rejects in a notification.
  const failures = await page.locator('.notification-toast').filter({ hasText: /editor\.action\.showReferences|failed/ }).count();
  assert.equal(failures, 0, 'no notification of a failed command');
  await page.keyboard.press('Escape');
});

step('a quick fix from the light bulb removes its finding', async () => {
  await openFile(ARTICLE);
  const target = expected.find((f) => f.startsWith(`${ARTICLE}|`));
  assert.ok(target, 'a finding in the article');
  const [, , at] = target.split('|');
  const [line, column] = at.split(':').map(Number);
  await goTo(line, column);
  const beforeFix = read(ARTICLE);
  const bulb = page.locator('.lightBulbWidget:visible');
  await bulb.first().waitFor({ timeout: 15_000 });
  await bulb.first().click();
  const actions = page.locator('.action-widget .monaco-list-row.action');
  await actions.first().waitFor({ timeout: 10_000 });
  const titles = await actions.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent));
  // The first quick fix that is not a suppression: the one that repairs the text.
  const index = titles.findIndex((t) => !/suppress|disable/i.test(t ?? ''));
  assert.ok(index >= 0, `a fix among ${JSON.stringify(titles)}`);
  await shot('quick-fix');
  // The list has the keyboard focus: move to the fix and take it, as a user does.
  const focused = await actions.evaluateAll((els) => els.findIndex((e) => e.classList.contains('focused')));
  for (let i = Math.max(focused, 0); i < index; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.locator('.action-widget').waitFor({ state: 'hidden' });
  await until(async () => !(await problems()).includes(target), `the finding ${target} to go`, 15_000);
  await saveAll();
  await readSaved(ARTICLE, beforeFix, 'the fixed article on disk');
  const now = checkFindings(workspace).sort();
  assert.ok(!now.includes(target), `newsmark check no longer reports ${target} (fix: ${titles[index]})`);
  expected = now;
  await until(async () => JSON.stringify(await problems()) === JSON.stringify(expected), 'the Problems panel to agree with check after the fix');
});

step('rename of an entity changes the article and the registry', async () => {
  const line = read(ARTICLE).split('\n').findIndex((l) => l.includes('by: @micek')) + 1;
  await goTo(line, columnOf(ARTICLE, line, '@micek', 2));
  await page.keyboard.press('F2');
  const input = page.locator('.rename-box input').first();
  await input.waitFor({ timeout: 10_000 });
  assert.equal(await input.inputValue(), 'micek', 'the rename box offers the id');
  await input.fill('artur-micek');
  await input.press('Enter');
  // VS Code saves the files a rename changes (files.refactoring.autoSave); Save All for the
  // case it is off.
  await until(async () => read(ARTICLE).includes('@artur-micek') || (await page.locator('.tabs-container .tab.dirty').count()) > 0, 'the rename to apply', 10_000);
  await saveAll();
  assert.match(read(ARTICLE), /by: @artur-micek\n/);
  assert.doesNotMatch(read(ARTICLE), /@micek\b/);
  assert.match(read(REGISTRY), /^\[@artur-micek\]: Artur Micek$/m);
  assert.doesNotMatch(read(REGISTRY), /\[@micek\]/);
  const now = checkFindings(workspace).sort();
  assert.deepEqual(now, expected, 'the rename leaves the findings as they were');
  await until(async () => JSON.stringify(await problems()) === JSON.stringify(expected), 'the Problems panel after the rename');
});

step('newsmark: Open Preview to the Side shows the article as readers see it, follows unsaved edits and scrolls with the editor', async () => {
  await openFile(ARTICLE);
  await runCommand('newsmark: Open Preview to the Side');
  // A webview is an iframe in an iframe; the page is the inner one.
  const frame = page.frameLocator('iframe.webview').frameLocator('#active-frame');
  const body = frame.locator('body');
  const text = async () => (await body.innerText({ timeout: 2000 }).catch(() => '')) ?? '';
  await until(async () => (await text()).includes('North Korean soldiers captured'), 'the preview to show the headline', LONG);
  assert.equal(await activeTab(), ARTICLE, 'the editor keeps the focus');
  const shown = await text();
  for (const syntax of ['[^', '](@', '{^', 'status=', '<!--']) {
    assert.ok(!shown.includes(syntax), `annotation syntax ${syntax} in the preview`);
  }
  assert.doesNotMatch(shown, /(^|\s)@[a-z]/, 'a raw mention in the preview');
  assert.match(shown, /Sources/);
  await shot('preview');

  // An edit, not saved, shows as it is typed.
  const line = 37;
  await goTo(line, read(ARTICLE).split('\n')[line - 1].length + 1);
  await page.keyboard.type(' Unsaved preview words.', { delay: 20 });
  await until(async () => (await text()).includes('Unsaved preview words.'), 'the preview to show the unsaved edit', 30_000);

  // The editor at its last line: the page scrolls to its end; at its first, back to the top.
  const scrollY = () => frame.locator('html').evaluate(() => window.scrollY);
  await page.keyboard.press('Control+End');
  await until(async () => (await scrollY()) > 0, 'the preview to scroll down with the editor', 10_000);
  await page.keyboard.press('Control+Home');
  await until(async () => (await scrollY()) === 0, 'the preview to scroll back to the top', 10_000);

  // Leave the article as it was, and close the preview.
  for (let i = 0; i < 40 && (await page.locator('.tabs-container .tab.dirty').count()) > 0; i++) {
    await page.keyboard.press('Control+Z');
    await page.waitForTimeout(50);
  }
  assert.equal(await page.locator('.tabs-container .tab.dirty').count(), 0, 'undo restores the article');
  await page.locator('.tabs-container .tab', { hasText: 'Preview kursk-pows.news' }).first().click();
  await page.keyboard.press('Control+W');
  await until(async () => (await page.locator('.tabs-container .tab', { hasText: 'Preview' }).count()) === 0, 'the preview to close', 10_000);
  await openFile(ARTICLE);
});

step('newsmark: Restart Server restarts it, and the status bar item follows', async () => {
  const before = (await page.evaluate(() => window.__newsmark.status)).length;
  await runCommand('newsmark: Restart Server');
  await until(
    async () => {
      const states = (await page.evaluate(() => window.__newsmark.status)).slice(before);
      return states.length >= 2 && states[states.length - 1] === 'newsmark language server: running';
    },
    'the status item to go through a restart back to running',
    30_000,
  ).catch(async (error) => {
    const states = (await page.evaluate(() => window.__newsmark.status)).slice(before);
    throw new Error(`${error.message}; the states it went through: ${JSON.stringify(states)}`);
  });
  const states = (await page.evaluate(() => window.__newsmark.status)).slice(before);
  assert.ok(states.some((s) => /starting|stopped/.test(s)), `a state other than running during the restart: ${states.join(' → ')}`);
  // The restarted server publishes the same findings again.
  await until(async () => JSON.stringify(await problems()) === JSON.stringify(expected), 'the findings after the restart');
  // A clean restart says nothing: no failure of a request the replaced client had in flight.
  await page.waitForTimeout(1000);
  const toasts = await page.locator('.notification-toast').evaluateAll((els) => els.map((e) => e.textContent));
  assert.deepEqual(toasts.filter((t) => /newsmark|failed/i.test(t)), [], 'no notification after a clean restart');
  await shot('workbench');
});

/**
 * Sets `newsmark.server.path` in the Settings editor, as a user does. In a remote window, as
 * code-server's is, a machine-overridable setting is set on the Remote tab (the machine the
 * server runs on), which wins over the User value.
 */
async function setServerPath(value) {
  await runCommand('Preferences: Open User Settings');
  const search = page.locator('.settings-editor .settings-header .suggest-input-container textarea, .settings-editor .settings-header input').first();
  await search.waitFor({ timeout: 10_000 });
  await search.fill('newsmark.server.path');
  await page.locator('.settings-editor .settings-tabs-widget .action-label', { hasText: 'Remote' }).first().click();
  const input = page.locator('.settings-editor .setting-item-contents').filter({ hasText: 'Path to the' }).locator('input').first();
  await input.waitFor({ timeout: 10_000 });
  await input.fill(value);
  await input.press('Enter');
  // The settings file on disk is the proof that the workbench took the value.
  const machineSettings = path.join(path.dirname(path.dirname(settingsFile)), 'Machine', 'settings.json');
  const saved = () => {
    try {
      return JSON.parse(fs.readFileSync(machineSettings, 'utf8'))['newsmark.server.path'];
    } catch {
      return undefined;
    }
  };
  await until(() => saved() === value, 'the setting to be saved', 10_000);
  await page.keyboard.press('Control+W');
}

step('a binary that is not there: the status bar item shows the error; the right path brings the server back', async () => {
  const item = page.locator(STATUS_ITEM);
  try {
    await setServerPath('/nonexistent/newsmark');
    await until(async () => (await item.getAttribute('aria-label')) === 'newsmark language server: error', 'the status item to say error', 30_000);
    const toast = page.locator('.notification-toast').filter({ hasText: 'language server binary was not found' });
    await toast.first().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(1000);
    await shot('server-missing');
    // That one message, not a second about the client that was replaced.
    const toasts = await page.locator('.notification-toast').evaluateAll((els) => els.map((e) => e.textContent));
    assert.deepEqual(toasts.filter((t) => /newsmark|notification|failed/i.test(t)).length, 1, JSON.stringify(toasts));
  } finally {
    await setServerPath(server);
  }
  await until(async () => (await item.getAttribute('aria-label')) === 'newsmark language server: running', 'the status item to say running again', 30_000);
  await until(async () => JSON.stringify(await problems()) === JSON.stringify(expected), 'the findings from the server started again');
});
