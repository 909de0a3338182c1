// The preview webview's page (out/previewPage.js): the server's policy replaced by one that
// runs our scroll script alone, whatever the article holds; and the editor-to-page scroll
// mapping. The webview itself is exercised in e2e/.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { contentSecurityPolicy, webviewHtml, scrollFraction, messagePage } = require(path.join(__dirname, '..', '..', 'out', 'previewPage.js'));

// The head of a page as `newsmark render` writes it (src/render/html.rs).
const page = (body, title = 'T') =>
  '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
  `<title>${title}</title>\n` +
  '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src http: https: data:">\n' +
  '<style>\nbody{}\n</style>\n<script type="application/ld+json">\n{"headline": "\\u003c/script\\u003e"}\n</script>\n' +
  `</head>\n<body>\n<main>\n${body}\n</main>\n</body>\n</html>\n`;

const policies = (html) => [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/gi)].map((m) => m[1]);

test("the page's policy is replaced by one allowing only the nonce's script", () => {
  const html = webviewHtml(page('<p>Hello</p>'), 'N0NCE', 0);
  assert.deepEqual(policies(html), [contentSecurityPolicy('N0NCE')]);
  const policy = policies(html)[0];
  assert.match(policy, /default-src 'none'/);
  assert.match(policy, /script-src 'nonce-N0NCE'/);
  assert.doesNotMatch(policy, /unsafe-eval|'unsafe-inline'[^;]*script|script-src[^;]*'unsafe-inline'/);
  // The policy stays in the head, before anything it governs.
  assert.ok(html.indexOf(policy) < html.indexOf('<style>'));
  assert.ok(html.indexOf(policy) < html.indexOf('</head>'));
});

test('exactly one script carries the nonce: ours, at the end of the body', () => {
  const html = webviewHtml(page('<p>x</p>'), 'abc', 0.5);
  const scripts = [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]);
  assert.deepEqual(scripts, ['<script type="application/ld+json">', '<script nonce="abc">']);
  assert.ok(html.indexOf('<script nonce="abc">') > html.indexOf('</main>'));
  assert.ok(html.indexOf('<script nonce="abc">') < html.indexOf('</body>'));
  assert.match(html, /scrollTo\(0\.5\)/);
});

test('a hostile article cannot add a script the policy lets run', () => {
  // What the server would never emit, as if escaping had failed: inline scripts and handlers
  // without the nonce, which the policy refuses; and a fake policy in the body is left alone
  // (a policy in the body has no effect), the real one being in the head.
  const hostile = page(
    '<script>alert(1)</script><img src=x onerror="alert(2)"><meta http-equiv="Content-Security-Policy" content="script-src *">',
    '&lt;/script&gt;',
  );
  const html = webviewHtml(hostile, 'n1', 0);
  const head = html.slice(0, html.indexOf('</head>'));
  assert.deepEqual(policies(head), [contentSecurityPolicy('n1')]);
  const nonced = [...html.matchAll(/<script nonce="n1">/g)];
  assert.equal(nonced.length, 1);
  assert.ok(!html.includes('<script nonce="n1">alert'));
});

test('a page without a policy of its own gets ours first in the head', () => {
  const html = webviewHtml('<html><head><title>x</title></head><body><p>y</p></body></html>', 'z', 0);
  assert.ok(html.startsWith(`<html><head><meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy('z')}">`));
  // No head at all: the policy goes first.
  assert.ok(webviewHtml('<p>y</p>', 'z', 0).startsWith('<meta http-equiv="Content-Security-Policy"'));
});

test('a start fraction that is not a number scrolls to the top', () => {
  assert.match(webviewHtml(page(''), 'n', Number.NaN), /scrollTo\(0\)/);
  assert.match(webviewHtml(page(''), 'n', 7), /scrollTo\(1\)/);
});

test('the scroll mapping: top is 0, the last line in view is 1, proportional between', () => {
  assert.equal(scrollFraction(0, 30, 100), 0);
  assert.equal(scrollFraction(69, 99, 100), 1);
  assert.equal(scrollFraction(35, 65, 101), 0.5);
  // A document that fits in the editor never scrolls the page.
  assert.equal(scrollFraction(0, 9, 10), 0);
  assert.equal(scrollFraction(3, 20, 10), 0);
});

test('the message page escapes what it shows and runs no script', () => {
  const html = messagePage('<script>alert(1)</script> & "x"');
  assert.ok(!html.includes('<script>'));
  assert.match(html, /&#60;script&#62;/);
  assert.match(html, /default-src 'none'/);
});
