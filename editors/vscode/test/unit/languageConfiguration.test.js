// language-configuration.json: valid JSON, and a wordPattern that keeps @id and ^id whole.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const config = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'language-configuration.json'), 'utf8'));

// VS Code compiles the pattern with the given flags plus `g`.
const wordPattern = new RegExp(config.wordPattern.pattern, config.wordPattern.flags + 'g');

function words(text) {
  return Array.from(text.matchAll(wordPattern), (m) => m[0]);
}

/** The word VS Code would pick at `offset` (as getWordAtText does: the match that contains it). */
function wordAt(text, offset) {
  for (const m of text.matchAll(wordPattern)) {
    if (m.index <= offset && offset <= m.index + m[0].length) {
      return m[0];
    }
  }
  return undefined;
}

test('HTML block comments', () => {
  assert.deepEqual(config.comments.blockComment, ['<!--', '-->']);
  assert.equal(config.comments.lineComment, undefined);
});

test('brackets, auto-closing and surrounding pairs', () => {
  const pairs = config.autoClosingPairs.map((p) => [p.open, p.close]);
  for (const pair of [['[', ']'], ['(', ')'], ['{', '}'], ['"', '"'], ['“', '”']]) {
    assert.ok(pairs.some(([o, c]) => o === pair[0] && c === pair[1]), `auto-closes ${pair[0]}`);
    assert.ok(config.surroundingPairs.some(([o, c]) => o === pair[0] && c === pair[1]), `surrounds with ${pair[0]}`);
  }
  assert.deepEqual(config.brackets, [['[', ']'], ['(', ')'], ['{', '}']]);
});

test('mentions and source ids are one word each', () => {
  assert.deepEqual(words('said @blinken and @north-korea'), ['said', '@blinken', 'and', '@north-korea']);
  assert.deepEqual(words('[^ssu-2025-01-11]'), ['^ssu-2025-01-11']);
  assert.deepEqual(words('{^blinken-seoul @blinken status=reported}'), ['^blinken-seoul', '@blinken', 'status', 'reported']);
  assert.deepEqual(words('[Kyiv](@Kyiv)-based'), ['Kyiv', '@Kyiv', 'based']);
});

test('an id never ends in - or _ and stops at other punctuation', () => {
  assert.deepEqual(words('@SSU.'), ['@SSU']);
  assert.deepEqual(words("@Russia's war"), ['@Russia', 's', 'war']);
  assert.deepEqual(words('@ssu_ and @a'), ['@ssu', 'and', '@a']);
  assert.equal(wordAt('informs the @SSU.[^ssu]', 14), '@SSU');
  assert.equal(wordAt('informs the @SSU.[^ssu]', 19), '^ssu');
});

test('prose words: letters of any script, inner apostrophes and hyphens', () => {
  assert.deepEqual(words("Ukraine's 26-year-old général Київ"), ["Ukraine's", '26-year-old', 'général', 'Київ']);
  assert.deepEqual(words('press@example.org'), ['press', 'example', 'org'], 'an e-mail address holds no mention');
});

test('Enter after a definition line starts an indented field line', () => {
  const [rule] = config.onEnterRules;
  const before = new RegExp(rule.beforeText);
  assert.deepEqual(rule.action, { indent: 'none', appendText: '  ' });
  assert.ok(before.test('[@blinken]: Antony Blinken'));
  assert.ok(before.test('[^ssu-2025-01-11]: Security Service of Ukraine, communiqué'));
  assert.ok(!before.test('[@ssu]:'), 'not before the name is written');
  assert.ok(!before.test('  kind: person'), 'field lines keep their indentation by themselves');
  assert.ok(!before.test('See [^ssu]: a citation in prose'));
});
