// Smoke test of the extension as VS Code would load it, under plain Node with a stand-in
// `vscode` module (fake-vscode.js): activation with a missing binary, and, when a newsmark
// binary is at hand, starting `newsmark lsp`, restarting, tracing and stopping it.
//
//   NEWSMARK_EXTENSION_DIR  the extension to load (default: this checkout, after `npm run
//                           compile`); test.sh points it at the unpacked .vsix, so the
//                           node_modules inside the package are the ones used.
//   NEWSMARK_SERVER         the newsmark binary (default: target/debug/newsmark or
//                           target/release/newsmark of the repository, if built). Without one
//                           the server tests are skipped.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');
const { createFake } = require('./fake-vscode');

const extensionDir = path.resolve(process.env.NEWSMARK_EXTENSION_DIR || path.join(__dirname, '..', '..'));
const repoRoot = path.join(__dirname, '..', '..', '..', '..');
const server =
  process.env.NEWSMARK_SERVER ||
  ['debug', 'release'].map((p) => path.join(repoRoot, 'target', p, 'newsmark')).find((p) => fs.existsSync(p));

// Every `require('vscode')` gets the fake.
const fake = createFake();
const FAKE_ID = path.join(__dirname, '__vscode__.js');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? FAKE_ID : resolve.call(this, request, ...rest);
};
require.cache[FAKE_ID] = Object.assign(new Module(FAKE_ID), { loaded: true, exports: fake.vscode, filename: FAKE_ID });

const manifest = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));
const extension = require(path.join(extensionDir, manifest.main));
const INSTALL_URL = 'https://github.com/newsmark/newsmark#install';

const settle = (ms = 50) => new Promise((r) => setTimeout(r, ms));

async function until(predicate, what, timeoutMs = 15000) {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}\nlog:\n${fake.record.log.join('\n')}`);
    await settle(20);
  }
}

function reset() {
  fake.record.messages.length = 0;
  fake.record.external.length = 0;
  fake.record.log.length = 0;
  fake.record.choices.length = 0;
  fake.record.executed.length = 0;
}

async function withActivated(fn) {
  const context = { subscriptions: [], extensionPath: extensionDir, extensionUri: fake.vscode.Uri.file(extensionDir) };
  await extension.activate(context);
  try {
    await fn(context);
  } finally {
    await extension.deactivate();
    for (const d of context.subscriptions) d.dispose();
  }
}

/** Child processes of this test running `… lsp` (Linux: read from /proc; elsewhere unknown). */
function childServers() {
  if (process.platform !== 'linux') return undefined;
  const found = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (ppid === process.pid && args[args.length - 1] === 'lsp') found.push(`${entry} ${args.join(' ')}`);
    } catch {
      // the process went away meanwhile
    }
  }
  return found;
}

/** The status bar item of the current activation. */
function statusItem() {
  const items = fake.record.statusItems.filter((i) => i.id === 'newsmark.status' && !i.disposed);
  assert.equal(items.length, 1, 'one newsmark status bar item');
  return items[0];
}

function assertServers(count, what) {
  const servers = childServers();
  if (servers !== undefined) assert.equal(servers.length, count, `${what}: ${JSON.stringify(servers)}`);
}

test('the manifest: main exists, activation, contributions', () => {
  assert.equal(manifest.name, 'newsmark');
  assert.equal(manifest.publisher, 'newsmark');
  assert.deepEqual(manifest.activationEvents, ['onLanguage:newsmark', 'workspaceContains:**/*.news', 'workspaceContains:**/newsmark.toml']);
  assert.equal(typeof extension.activate, 'function');
  assert.equal(typeof extension.deactivate, 'function');
  assert.equal(extension.INSTALL_URL, INSTALL_URL);
  const lang = manifest.contributes.languages.find((l) => l.id === 'newsmark');
  assert.deepEqual(lang.extensions, ['.news', '.news.md']);
  for (const file of [lang.configuration, manifest.contributes.grammars[0].path]) {
    assert.ok(fs.existsSync(path.join(extensionDir, file)), `${file} is in the extension`);
  }
  assert.equal(manifest.contributes.grammars[0].scopeName, 'text.newsmark');
  assert.deepEqual(manifest.contributes.commands.map((c) => c.command), ['newsmark.restartServer', 'newsmark.showOutput', 'newsmark.openPreviewToSide']);
  assert.ok(manifest.contributes.menus['editor/title'].some((m) => m.command === 'newsmark.openPreviewToSide' && m.when === 'editorLangId == newsmark'));
  const props = manifest.contributes.configuration.properties;
  assert.equal(props['newsmark.server.path'].default, 'newsmark');
  assert.deepEqual(props['newsmark.trace.server'].enum, ['off', 'messages', 'verbose']);
});

test('a missing binary: an error with a button to the install instructions, and a log line', async () => {
  reset();
  fake.configure({ 'newsmark.server.path': '/nonexistent/bin/newsmark', 'newsmark.trace.server': 'off' });
  fake.record.choices.push('Install instructions');
  await withActivated(async () => {
    await settle();
    assert.equal(fake.record.messages.length, 1, JSON.stringify(fake.record.messages));
    const [message] = fake.record.messages;
    assert.equal(message.kind, 'error');
    assert.match(message.message, /not found/);
    assert.match(message.message, /\/nonexistent\/bin\/newsmark/);
    assert.deepEqual(message.items, ['Install instructions', 'Open settings']);
    assert.deepEqual(fake.record.external, [INSTALL_URL]);
    assert.ok(fake.record.log.some((l) => l.startsWith('[error]') && l.includes('/nonexistent/bin/newsmark')), fake.record.log.join('\n'));
    assert.ok(fake.record.commands.has('newsmark.restartServer'));
    assert.ok(fake.record.commands.has('newsmark.openPreviewToSide'));
    const item = statusItem();
    assert.equal(item.text, '$(error) newsmark');
    assert.ok(item.visible);
    assert.match(item.tooltip.value, /\*\*error\*\*/);
    assert.match(item.tooltip.value, /nonexistent/);
    assert.match(item.tooltip.value, /command:newsmark\.restartServer/);
    assert.deepEqual(item.tooltip.isTrusted, { enabledCommands: ['newsmark.restartServer'] });
    assert.equal(item.command, 'newsmark.showOutput');
    assert.equal(item.backgroundColor.id, 'statusBarItem.errorBackground');
  });
  assert.ok(fake.record.statusItems.every((i) => i.disposed), 'the item goes with the extension');
});

test('not on PATH: the message says so; "Open settings" opens the setting', async () => {
  reset();
  const savedPath = process.env.PATH;
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'newsmark-empty-'));
  process.env.PATH = empty;
  try {
    fake.configure({ 'newsmark.server.path': 'newsmark' });
    fake.record.choices.push('Open settings');
    await withActivated(async () => {
      await settle();
      assert.match(fake.record.messages[0].message, /"newsmark" on PATH/);
      assert.ok(fake.record.executed.some(([id, arg]) => id === 'workbench.action.openSettings' && arg === 'newsmark.server.path'));
      assert.ok(fake.record.log.some((l) => l.includes('was not found on PATH')));
      // The restart command tries again, and reports again.
      fake.record.choices.push(undefined);
      await fake.record.commands.get('newsmark.restartServer')();
      await settle();
      assert.equal(fake.record.messages.length, 2);
    });
  } finally {
    process.env.PATH = savedPath;
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test('a binary that is no language server: a start failure is reported', { skip: !fs.existsSync('/bin/false') && 'no /bin/false' }, async () => {
  reset();
  fake.configure({ 'newsmark.server.path': '/bin/false' });
  fake.record.choices.push(undefined, undefined, undefined);
  await withActivated(async () => {
    await until(() => fake.record.log.some((l) => l.startsWith('[error]') && l.includes('failed to start')), 'the start failure');
    await settle(300);
    // One notification, the extension's (vscode-languageclient's own is held back), and no
    // attempt to restart a server that never ran.
    assert.equal(fake.record.messages.length, 1, JSON.stringify(fake.record.messages));
    assert.match(fake.record.messages[0].message, /language server \(\/bin\/false lsp\) failed to start/);
    assert.deepEqual(fake.record.messages[0].items, ['Show output', 'Open settings']);
    assert.ok(fake.record.log.some((l) => l.includes("couldn't create connection to server")), "the library's failure is in the output");
    assertServers(0, 'no server process left');
    assert.equal(statusItem().text, '$(error) newsmark');
    assert.match(statusItem().tooltip.value, /failed to start/);
  });
});

test('with the newsmark binary: start, trace, restart, stop', { skip: !server && 'no newsmark binary (build it with cargo build, or set NEWSMARK_SERVER)' }, async () => {
  reset();
  fake.configure({ 'newsmark.server.path': server, 'newsmark.trace.server': 'off' });
  await withActivated(async () => {
    await until(() => fake.record.log.some((l) => l.includes('language server running')), 'the server to run');
    assert.ok(fake.record.log.some((l) => l.includes(`Starting the newsmark language server: ${server} lsp`)));
    assert.ok(fake.record.log.some((l) => /running \(newsmark/.test(l)), 'serverInfo from initialize');
    assert.equal(fake.record.messages.length, 0, JSON.stringify(fake.record.messages));
    assertServers(1, 'one server process');
    assert.equal(statusItem().text, '$(check) newsmark');
    assert.match(statusItem().tooltip.value, /\*\*running\*\*/);
    assert.equal(statusItem().backgroundColor, undefined);
    assert.ok(!fake.record.log.some((l) => l.startsWith('[trace]') || l.includes('[trace]')), 'no trace while off');

    // Tracing follows newsmark.trace.server.
    fake.configure({ 'newsmark.trace.server': 'verbose' });
    fake.record.log.length = 0;
    // The status bar item goes through stopped and starting to running again.
    const texts = [];
    const item = statusItem();
    let text = item.text;
    Object.defineProperty(item, 'text', {
      get: () => text,
      set: (value) => {
        text = value;
        texts.push(value);
      },
    });
    await fake.record.commands.get('newsmark.restartServer')();
    await until(() => fake.record.log.some((l) => l.includes('language server running')), 'the restarted server');
    assert.deepEqual([...new Set(texts)], ['$(circle-slash) newsmark', '$(loading~spin) newsmark', '$(check) newsmark'], 'stopped, starting, running');
    assert.ok(fake.record.log.some((l) => l.includes('newsmark language server stopped')));
    assert.ok(fake.record.log.some((l) => l.includes('[trace]') && l.includes("'initialize")), fake.record.log.join('\n'));
    assertServers(1, 'still one server process after a restart');

    // Changing newsmark.server.path restarts the server.
    fake.configure({ 'newsmark.trace.server': 'off' });
    fake.record.log.length = 0;
    fake.configure({ 'newsmark.server.path': server });
    await until(() => fake.record.log.some((l) => l.includes('language server running')), 'the server after a path change');
    assert.ok(fake.record.log.some((l) => l.includes('Restarting')));
    assert.ok(!fake.record.log.some((l) => l.includes('[trace]')), 'no trace once it is off again');
  });
  await until(() => (childServers() ?? []).length === 0, 'the server process to exit after deactivate', 5000);
  assert.ok(fake.record.log.some((l) => l.includes('newsmark language server stopped')));
});

const fakeServer = path.join(__dirname, 'fake-server.js');
const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };
const article = (name) => ({ uri: fake.vscode.Uri.parse(`file:///work/${name}.news`), languageId: 'newsmark', version: 1 });

test("a restart while requests are in flight: no notification for them; a running server's failure still shows", async () => {
  reset();
  fake.configure({ 'newsmark.server.path': fakeServer, 'newsmark.trace.server': 'off' });
  await withActivated(async () => {
    await until(() => fake.record.log.some((l) => l.includes('language server running')), 'the server to run');
    const provider = fake.record.foldingProviders.at(-1);
    assert.ok(provider, 'folding ranges are provided');

    // A failure while the server runs is vscode-languageclient's to show, as ever.
    await assert.rejects(provider.provideFoldingRanges(article('fails'), {}, token));
    assert.equal(fake.record.messages.length, 1, JSON.stringify(fake.record.messages));
    assert.match(fake.record.messages[0].message, /Request textDocument\/foldingRange failed/);
    fake.record.messages.length = 0;

    // The server answers these only once it is asked to shut down, and with InvalidRequest.
    const inFlight = [provider.provideFoldingRanges(article('a'), {}, token), provider.provideFoldingRanges(article('b'), {}, token)];
    await settle(100);
    fake.record.log.length = 0;
    await fake.record.commands.get('newsmark.restartServer')();
    await until(() => fake.record.log.some((l) => l.includes('language server running')), 'the restarted server');
    assert.deepEqual(await Promise.all(inFlight), [null, null], "no result, and no error, for the replaced client's requests");
    await settle(100);
    assert.deepEqual(fake.record.messages, [], 'no notification');
    assert.ok(fake.record.log.some((l) => l.includes('textDocument/foldingRange to the server being stopped went unanswered')), fake.record.log.join('\n'));
    assertServers(1, 'one server after the restart');

    // The same through a change of newsmark.server.path, the way the real-VS-Code test hit it.
    const again = fake.record.foldingProviders.at(-1);
    const pending = again.provideFoldingRanges(article('c'), {}, token);
    await settle(100);
    fake.record.log.length = 0;
    fake.configure({ 'newsmark.server.path': '/nonexistent/bin/newsmark' });
    await until(() => fake.record.messages.length > 0, 'the missing binary to be reported');
    assert.equal(await pending, null);
    await settle(200);
    assert.equal(fake.record.messages.length, 1, JSON.stringify(fake.record.messages));
    assert.match(fake.record.messages[0].message, /binary was not found/);
    assertServers(0, 'no server while the binary is missing');
  });
});

test('restarts asked for together are one restart; one asked for during it follows it', async () => {
  reset();
  fake.configure({ 'newsmark.server.path': fakeServer });
  await withActivated(async () => {
    await until(() => fake.record.log.some((l) => l.includes('language server running')), 'the server to run');
    fake.record.log.length = 0;
    const restart = fake.record.commands.get('newsmark.restartServer');
    await Promise.all([restart(), restart(), restart()]);
    const count = (what) => fake.record.log.filter((l) => l.includes(what)).length;
    assert.equal(count('Restarting the newsmark language server'), 1, fake.record.log.join('\n'));
    assert.equal(count('Starting the newsmark language server'), 1);
    assertServers(1, 'one server after coalesced restarts');

    // One asked for while a restart runs waits for it: stop, start, stop, start, in that order.
    fake.record.log.length = 0;
    const first = restart();
    await until(() => count('Restarting the newsmark language server') === 1, 'the first restart to begin');
    const second = restart();
    await Promise.all([first, second]);
    const order = fake.record.log.filter((l) => /language server stopped|Starting the newsmark/.test(l)).map((l) => (l.includes('stopped') ? 'stop' : 'start'));
    assert.deepEqual(order, ['stop', 'start', 'stop', 'start'], fake.record.log.join('\n'));
    assertServers(1, 'one server after two restarts in a row');
    assert.deepEqual(fake.record.messages, []);
  });
});

test('a binary that cannot be executed after all (spawn fails with ENOENT): one message', async () => {
  reset();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsmark-shebang-'));
  const script = path.join(dir, 'newsmark');
  fs.writeFileSync(script, '#!/nonexistent/interpreter\n', { mode: 0o755 });
  try {
    fake.configure({ 'newsmark.server.path': script });
    fake.record.choices.push(undefined, undefined);
    await withActivated(async () => {
      await until(() => fake.record.messages.length > 0, 'the failure to be reported');
      await settle(300);
      assert.equal(fake.record.messages.length, 1, JSON.stringify(fake.record.messages));
      assert.match(fake.record.messages[0].message, /binary was not found/);
      assert.equal(statusItem().text, '$(error) newsmark');
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
