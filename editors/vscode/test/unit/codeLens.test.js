// The conversion of `editor.action.showReferences` arguments (out/codeLens.js), with a
// stand-in converter; the real one and the real command are exercised in e2e/.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { convertCommand, codeLensMiddleware, SHOW_REFERENCES } = require(path.join(__dirname, '..', '..', 'out', 'codeLens.js'));

class Uri {
  constructor(text) {
    this.text = text;
  }
}
class Position {
  constructor(line, character) {
    this.line = line;
    this.character = character;
  }
}
class Location {
  constructor(uri, range) {
    this.uri = uri;
    this.range = range;
  }
}
const converter = {
  asUri: (s) => new Uri(s),
  asPosition: (p) => new Position(p.line, p.character),
  asLocation: (l) => new Location(new Uri(l.uri), l.range),
};

const uri = 'file:///w/entities.news';
const at = { line: 4, character: 1 };
const range = { start: { line: 2, character: 10 }, end: { line: 2, character: 18 } };
const lens = () => ({
  title: '2 mentions',
  command: SHOW_REFERENCES,
  arguments: [uri, at, [{ uri: 'file:///w/a.news', range }, { uri: 'file:///w/b.news', range }]],
});

test('showReferences arguments become a Uri, a Position and Locations', () => {
  const converted = convertCommand(lens(), converter);
  assert.equal(converted.title, '2 mentions');
  assert.equal(converted.command, SHOW_REFERENCES);
  const [u, p, locations] = converted.arguments;
  assert.ok(u instanceof Uri);
  assert.equal(u.text, uri);
  assert.ok(p instanceof Position);
  assert.deepEqual([p.line, p.character], [4, 1]);
  assert.equal(locations.length, 2);
  assert.ok(locations.every((l) => l instanceof Location && l.uri instanceof Uri));
  assert.equal(locations[1].uri.text, 'file:///w/b.news');
});

test('no locations: an empty list, still converted', () => {
  const converted = convertCommand({ ...lens(), title: '0 mentions', arguments: [uri, at, []] }, converter);
  assert.ok(converted.arguments[0] instanceof Uri);
  assert.deepEqual(converted.arguments[2], []);
});

test('other commands, no command, and arguments of another shape are left alone', () => {
  assert.equal(convertCommand(undefined, converter), undefined);
  const other = { title: 't', command: 'newsmark.other', arguments: [uri, at, []] };
  assert.equal(convertCommand(other, converter), other);
  const converted = convertCommand(lens(), converter);
  assert.equal(convertCommand(converted, converter), converted, 'already converted');
  const odd = { ...lens(), arguments: [uri, 'not a position', []] };
  assert.equal(convertCommand(odd, converter), odd);
  const noArgs = { title: 't', command: SHOW_REFERENCES };
  assert.equal(convertCommand(noArgs, converter), noArgs);
});

test('the middleware converts provided and resolved lenses', async () => {
  const middleware = codeLensMiddleware(() => converter);
  const provided = await middleware.provideCodeLenses({}, {}, async () => [{ range: {}, command: lens() }, { range: {} }]);
  assert.ok(provided[0].command.arguments[1] instanceof Position);
  assert.equal(provided[1].command, undefined);
  const resolved = await middleware.resolveCodeLens({ range: {} }, {}, async (l) => ({ ...l, command: lens() }));
  assert.ok(resolved.command.arguments[2][0] instanceof Location);
  assert.equal(await middleware.provideCodeLenses({}, {}, async () => null), undefined);
  assert.equal(await middleware.resolveCodeLens({ range: {} }, {}, async () => null), null);
});
