// package.json's semantic token contributions against the server's legend
// (src/features/semantic_tokens.rs: TOKEN_TYPES, TOKEN_MODIFIERS, TokenType::fallback).
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
const contributes = manifest.contributes;

// The server's legend, in protocol order. Change it together with the server.
const LEGEND_TYPES = [
  'person',
  'organization',
  'place',
  'unit',
  'event',
  'work',
  'entity',
  'citation',
  'claim',
  'number',
  'property',
  'comment',
];
const LEGEND_MODIFIERS = [
  'definition',
  'confirmed',
  'reported',
  'disputed',
  'unverified',
  'false',
  'unattributed',
  'unsourced',
  'directive',
];
// TokenType::fallback: the standard type each one falls back to.
const FALLBACK = {
  person: 'variable',
  organization: 'namespace',
  place: 'struct',
  unit: 'class',
  event: 'event',
  work: 'type',
  entity: 'variable',
  citation: 'label',
  claim: 'string',
  number: 'number',
  property: 'property',
  comment: 'comment',
};
// Token types VS Code itself registers (tokenClassificationRegistry.ts). Contributing one of
// these again would replace it; `event` with super type `event` would even make a cycle that
// VS Code's type hierarchy walk never leaves.
const VSCODE_TYPES = [
  'comment', 'string', 'keyword', 'number', 'regexp', 'operator', 'namespace', 'type', 'struct',
  'class', 'interface', 'enum', 'typeParameter', 'function', 'member', 'method', 'macro',
  'variable', 'parameter', 'property', 'enumMember', 'event', 'decorator', 'label',
];
// VS Code's pattern for type and modifier ids.
const ID = /^\w+[-_\w+]*$/;

test('the hardcoded legend is complete', () => {
  assert.deepEqual(Object.keys(FALLBACK), LEGEND_TYPES);
});

test('semanticTokenTypes: every custom legend type, in legend order, with its fallback as super type', () => {
  const custom = LEGEND_TYPES.filter((t) => !VSCODE_TYPES.includes(t));
  assert.deepEqual(custom, ['person', 'organization', 'place', 'unit', 'work', 'entity', 'citation', 'claim']);
  assert.deepEqual(contributes.semanticTokenTypes.map((t) => t.id), custom);
  for (const t of contributes.semanticTokenTypes) {
    assert.match(t.id, ID);
    assert.equal(t.superType, FALLBACK[t.id], `super type of ${t.id}`);
    assert.ok(VSCODE_TYPES.includes(t.superType), `${t.id}'s super type ${t.superType} is a standard type`);
    assert.ok(typeof t.description === 'string' && t.description.length > 0, `${t.id} has a description`);
  }
});

test('the legend types not contributed are standard and their own fallback', () => {
  const contributed = new Set(contributes.semanticTokenTypes.map((t) => t.id));
  for (const t of LEGEND_TYPES.filter((t) => !contributed.has(t))) {
    assert.ok(VSCODE_TYPES.includes(t), `${t} is a VS Code type`);
    assert.equal(FALLBACK[t], t);
  }
});

test('semanticTokenModifiers: the legend modifiers, in order, described', () => {
  assert.deepEqual(contributes.semanticTokenModifiers.map((m) => m.id), LEGEND_MODIFIERS);
  for (const m of contributes.semanticTokenModifiers) {
    assert.match(m.id, ID);
    assert.ok(typeof m.description === 'string' && m.description.length > 0, `${m.id} has a description`);
  }
});

test('semanticTokenScopes: newsmark selectors of legend types and modifiers, mapped to TextMate scopes', () => {
  assert.equal(contributes.semanticTokenScopes.length, 1);
  const [{ language, scopes }] = contributes.semanticTokenScopes;
  assert.equal(language, 'newsmark');
  for (const [selector, tmScopes] of Object.entries(scopes)) {
    const [type, ...modifiers] = selector.split('.');
    assert.ok(type === '*' || LEGEND_TYPES.includes(type), `${selector}: ${type} is in the legend`);
    for (const m of modifiers) assert.ok(LEGEND_MODIFIERS.includes(m), `${selector}: ${m} is in the legend`);
    assert.ok(Array.isArray(tmScopes) && tmScopes.length > 0, `${selector} maps to scopes`);
    for (const s of tmScopes) assert.match(s, /^[a-z][\w-]*(\.[\w-]+)*$/, `${selector}: ${s} is one scope`);
  }
  // Every custom type has a scope, so a theme without semantic rules for it still colours it.
  for (const t of contributes.semanticTokenTypes) assert.ok(scopes[t.id], `${t.id} has scopes`);
  // The modifiers that carry meaning for readers.
  for (const s of ['claim.confirmed', 'claim.reported', 'claim.disputed', 'claim.unverified', 'claim.false',
    'number.unattributed', 'number.unsourced', 'citation.definition', 'person.definition', 'comment.directive']) {
    assert.ok(scopes[s], `${s} has scopes`);
  }
  assert.deepEqual(scopes.person, ['entity.name.tag.person.newsmark']);
});

// The legend of the server itself, when a binary is at hand (as in the smoke test).
const repoRoot = path.join(__dirname, '..', '..', '..', '..');
const server =
  process.env.NEWSMARK_SERVER ||
  ['debug', 'release'].map((p) => path.join(repoRoot, 'target', p, 'newsmark')).find((p) => fs.existsSync(p));

/** Sends `initialize` to `<server> lsp` and returns the result; shuts the server down. */
function initialize(binary, timeoutMs = 15000) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['lsp'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const send = (msg) => {
      const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg }), 'utf8');
      child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
      child.stdin.write(body);
    };
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`no answer to initialize within ${timeoutMs} ms`));
    }, timeoutMs);
    let buffer = Buffer.alloc(0);
    let result;
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', () => {
      clearTimeout(timer);
      if (result) resolve(result);
      else reject(new Error('the server exited before answering initialize'));
    });
    child.stdout.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const headerEnd = buffer.indexOf('\r\n\r\n');
        if (headerEnd < 0) return;
        const length = Number(/Content-Length: *(\d+)/i.exec(buffer.subarray(0, headerEnd).toString('ascii'))?.[1]);
        if (buffer.length < headerEnd + 4 + length) return;
        const msg = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8'));
        buffer = buffer.subarray(headerEnd + 4 + length);
        if (msg.id === 1 && !result) {
          result = msg.result ?? { error: msg.error };
          send({ method: 'initialized', params: {} });
          send({ id: 2, method: 'shutdown' });
        } else if (msg.id === 2) {
          send({ method: 'exit' });
          child.stdin.end();
        }
      }
    });
    send({ id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {} } });
  });
}

test('the running server sends the same legend', { skip: !server && 'no newsmark binary (build it with cargo build, or set NEWSMARK_SERVER)' }, async () => {
  const result = await initialize(server);
  const legend = result.capabilities?.semanticTokensProvider?.legend;
  assert.ok(legend, `no semanticTokensProvider.legend in ${JSON.stringify(result).slice(0, 300)}`);
  assert.deepEqual(legend.tokenTypes, LEGEND_TYPES);
  assert.deepEqual(legend.tokenModifiers, LEGEND_MODIFIERS);
});
