#!/usr/bin/env node
// Checks that the grammar tests assert every scope the grammar defines: each scope name in
// syntaxes/newsmark.tmLanguage.json (name, contentName and capture names) must appear as a
// required scope in at least one assertion in test/grammar/*.news. Also counts assertions.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const grammar = JSON.parse(fs.readFileSync(path.join(root, 'syntaxes', 'newsmark.tmLanguage.json'), 'utf8'));

const defined = new Set();
(function walk(node) {
  if (Array.isArray(node)) {
    node.forEach(walk);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'name' || key === 'contentName') && typeof value === 'string' && node !== grammar) {
        value.split(/\s+/).filter(Boolean).forEach((s) => defined.add(s));
      } else {
        walk(value);
      }
    }
  }
})(grammar);

const dir = path.join(root, 'test', 'grammar');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.news')).sort();
const asserted = new Set();
let assertions = 0;
for (const file of files) {
  const lines = fs.readFileSync(path.join(dir, file), 'utf8').split(/\r\n|\n/);
  const header = /^(\S+)\s+SYNTAX\s+TEST\s+"([^"]+)"/.exec(lines[0]);
  if (!header || header[2] !== grammar.scopeName) {
    console.error(`${file}: first line must be a SYNTAX TEST header for "${grammar.scopeName}"`);
    process.exit(1);
  }
  const token = header[1];
  for (const line of lines.slice(1)) {
    if (!line.startsWith(token)) continue;
    const rest = line.slice(token.length);
    const m = /^\s*((?:\^+\s*)+|<~*-+)(.*)$/.exec(rest);
    if (!m) continue;
    // One assertion per run of carets (as vscode-tmgrammar-test counts them), or per arrow.
    assertions += m[1].startsWith('<') ? 1 : (m[1].match(/\^+/g) || []).length;
    const required = m[2].split(/\s+-\s+|\s+-$/)[0];
    required.split(/\s+/).filter(Boolean).forEach((s) => asserted.add(s));
  }
}

const missing = [...defined].filter((s) => !asserted.has(s)).sort();
console.log(`grammar coverage: ${defined.size} scopes defined, ${assertions} assertions in ${files.length} test files`);
if (missing.length > 0) {
  console.error(`scopes with no assertion:\n  ${missing.join('\n  ')}`);
  process.exit(1);
}
console.log('every scope the grammar defines is asserted');
