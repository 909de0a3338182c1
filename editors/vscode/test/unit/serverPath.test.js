// Unit tests for out/serverPath.js (compiled from src/serverPath.ts by `npm run compile`).
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { resolveServerCommand, expandSetting, isNotFoundError, isExecutableFile, errorMessage } = require('../../out/serverPath');

function fakeFs(executables) {
  const set = new Set(executables);
  return (file) => set.has(file);
}

const posix = { env: { PATH: '/usr/local/bin:/usr/bin' }, platform: 'linux', home: '/home/ed' };

test('the default setting is looked up on PATH', () => {
  const r = resolveServerCommand('newsmark', { ...posix, isExecutable: fakeFs(['/usr/bin/newsmark']) });
  assert.deepEqual(r, { found: true, command: '/usr/bin/newsmark', setting: 'newsmark' });
});

test('the first PATH entry wins', () => {
  const r = resolveServerCommand('newsmark', { ...posix, isExecutable: fakeFs(['/usr/bin/newsmark', '/usr/local/bin/newsmark']) });
  assert.equal(r.found && r.command, '/usr/local/bin/newsmark');
});

test('an empty or missing setting means the default', () => {
  const opts = { ...posix, isExecutable: fakeFs(['/usr/bin/newsmark']) };
  assert.equal(resolveServerCommand('  ', opts).found, true);
  assert.equal(resolveServerCommand(undefined, opts).found, true);
});

test('a binary missing from PATH is reported, not thrown', () => {
  const r = resolveServerCommand('newsmark', { ...posix, isExecutable: fakeFs([]) });
  assert.equal(r.found, false);
  assert.match(r.reason, /not found on PATH/);
});

test('no PATH at all', () => {
  const r = resolveServerCommand('newsmark', { env: {}, platform: 'linux', home: '/h', isExecutable: fakeFs([]) });
  assert.equal(r.found, false);
});

test('absolute, home-relative and workspace-relative paths', () => {
  const opts = {
    ...posix,
    workspaceFolder: '/work/desk',
    isExecutable: fakeFs(['/opt/nm/newsmark', '/home/ed/.cargo/bin/newsmark', '/work/desk/bin/newsmark', '/work/target/debug/newsmark']),
  };
  assert.equal(resolveServerCommand('/opt/nm/newsmark', opts).command, '/opt/nm/newsmark');
  assert.equal(resolveServerCommand('~/.cargo/bin/newsmark', opts).command, '/home/ed/.cargo/bin/newsmark');
  assert.equal(resolveServerCommand('bin/newsmark', opts).command, '/work/desk/bin/newsmark');
  assert.equal(resolveServerCommand('./bin/newsmark', opts).command, '/work/desk/bin/newsmark');
  assert.equal(resolveServerCommand('${workspaceFolder}/../target/debug/newsmark', opts).command, '/work/target/debug/newsmark');
  const missing = resolveServerCommand('/opt/other/newsmark', opts);
  assert.equal(missing.found, false);
  assert.match(missing.reason, /not an executable file/);
});

test('expandSetting leaves bare names alone', () => {
  assert.equal(expandSetting('newsmark', { ...posix, workspaceFolder: '/w' }), 'newsmark');
  assert.equal(expandSetting('', posix), 'newsmark');
});

test('Windows: PATHEXT, case-insensitive Path, backslashes', () => {
  const win = {
    env: { Path: 'C:\\tools;C:\\Users\\ed\\.cargo\\bin', PATHEXT: '.COM;.EXE;.CMD' },
    platform: 'win32',
    home: 'C:\\Users\\ed',
    workspaceFolder: 'C:\\desk',
    isExecutable: fakeFs(['C:\\Users\\ed\\.cargo\\bin\\newsmark.EXE', 'C:\\desk\\bin\\newsmark.exe']),
  };
  assert.equal(resolveServerCommand('newsmark', win).command, 'C:\\Users\\ed\\.cargo\\bin\\newsmark.EXE');
  assert.equal(resolveServerCommand('bin\\newsmark.exe', win).command, 'C:\\desk\\bin\\newsmark.exe');
  assert.equal(resolveServerCommand('nothing', win).found, false);
});

test('isExecutableFile checks the file system', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsmark-test-'));
  try {
    const exe = path.join(dir, 'newsmark');
    const plain = path.join(dir, 'plain');
    fs.writeFileSync(exe, '#!/bin/sh\n');
    fs.chmodSync(exe, 0o755);
    fs.writeFileSync(plain, '');
    fs.chmodSync(plain, 0o644);
    assert.equal(isExecutableFile(exe, 'linux'), true);
    assert.equal(isExecutableFile(dir, 'linux'), false, 'a directory is not an executable file');
    assert.equal(isExecutableFile(path.join(dir, 'absent'), 'linux'), false);
    if (process.getuid && process.getuid() !== 0) {
      assert.equal(isExecutableFile(plain, 'linux'), false);
    }
    const found = resolveServerCommand('newsmark', { env: { PATH: dir }, platform: 'linux', home: '/h' });
    assert.equal(found.found && found.command, exe);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('isNotFoundError recognises spawn ENOENT in its forms', () => {
  const spawnError = Object.assign(new Error('spawn newsmark ENOENT'), { code: 'ENOENT' });
  assert.equal(isNotFoundError(spawnError), true);
  assert.equal(isNotFoundError('Launching server using command newsmark failed. Error: spawn newsmark ENOENT'), true);
  assert.equal(isNotFoundError(new Error('Connection to server got closed.')), false);
  assert.equal(isNotFoundError(undefined), false);
});

test('errorMessage', () => {
  assert.equal(errorMessage(new Error('boom')), 'boom');
  assert.equal(errorMessage('text'), 'text');
  assert.equal(errorMessage({ a: 1 }), '{"a":1}');
});
