// Finding the `newsmark` binary. Kept free of the `vscode` module so it can be unit-tested
// with plain Node (test/unit/serverPath.test.js).

import * as fs from 'node:fs';
import * as path from 'node:path';

/** The default value of `newsmark.server.path`: look `newsmark` up on PATH. */
export const DEFAULT_SERVER_PATH = 'newsmark';

export interface ResolveOptions {
  /** Environment to read PATH (and PATHEXT on Windows) from. */
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** The user's home directory, for a leading `~`. */
  home: string;
  /** The first workspace folder, for `${workspaceFolder}` and relative paths; none in single-file mode. */
  workspaceFolder?: string;
  /** Whether `file` is an executable file; defaults to a check on the file system. */
  isExecutable?: (file: string, platform: NodeJS.Platform) => boolean;
}

export type Resolution =
  | { found: true; command: string; setting: string }
  | { found: false; setting: string; reason: string };

/** Whether `file` exists, is a file (after following links) and may be executed. */
export function isExecutableFile(file: string, platform: NodeJS.Platform): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (platform !== 'win32') {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

function envValue(env: NodeJS.ProcessEnv, name: string, platform: NodeJS.Platform): string | undefined {
  if (platform !== 'win32') {
    return env[name];
  }
  // Windows environment variable names are case-insensitive (`Path` is common).
  const key = Object.keys(env).find((k) => k.toUpperCase() === name.toUpperCase());
  return key === undefined ? undefined : env[key];
}

function pathModule(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/**
 * Expands `~` and `${workspaceFolder}` in the setting and makes a relative path that names a
 * directory (contains a slash) absolute against the workspace folder. A bare name such as
 * `newsmark` is returned as it is, to be looked up on PATH.
 */
export function expandSetting(setting: string, options: ResolveOptions): string {
  const p = pathModule(options.platform);
  let value = setting.trim();
  if (value === '') {
    value = DEFAULT_SERVER_PATH;
  }
  if (options.workspaceFolder !== undefined) {
    value = value.split('${workspaceFolder}').join(options.workspaceFolder);
  }
  if (value === '~' || value.startsWith('~/') || (options.platform === 'win32' && value.startsWith('~\\'))) {
    value = p.join(options.home, value.slice(1));
  }
  const hasSeparator = value.includes('/') || (options.platform === 'win32' && value.includes('\\'));
  if (p.isAbsolute(value)) {
    value = p.normalize(value);
  } else if (hasSeparator && options.workspaceFolder !== undefined) {
    value = p.resolve(options.workspaceFolder, value);
  }
  return value;
}

/** Resolves `newsmark.server.path` to an executable file, the way spawning it would. */
export function resolveServerCommand(setting: string | undefined, options: ResolveOptions): Resolution {
  const raw = setting ?? DEFAULT_SERVER_PATH;
  const isExecutable = options.isExecutable ?? isExecutableFile;
  const p = pathModule(options.platform);
  const value = expandSetting(raw, options);
  const win = options.platform === 'win32';
  const extensions = win
    ? (envValue(options.env, 'PATHEXT', options.platform) ?? '.COM;.EXE;.BAT;.CMD').split(';').filter((e) => e !== '')
    : [''];
  const candidates = (base: string): string[] =>
    win && p.extname(base) === '' ? extensions.map((e) => base + e) : [base];

  const hasSeparator = value.includes('/') || (win && value.includes('\\'));
  if (hasSeparator || p.isAbsolute(value)) {
    const hit = candidates(value).find((c) => isExecutable(c, options.platform));
    return hit !== undefined
      ? { found: true, command: hit, setting: raw }
      : { found: false, setting: raw, reason: `${value} does not exist or is not an executable file` };
  }

  const dirs = (envValue(options.env, 'PATH', options.platform) ?? '').split(p.delimiter).filter((d) => d !== '');
  for (const dir of dirs) {
    const hit = candidates(p.join(dir, value)).find((c) => isExecutable(c, options.platform));
    if (hit !== undefined) {
      return { found: true, command: hit, setting: raw };
    }
  }
  return { found: false, setting: raw, reason: `${value} was not found on PATH` };
}

/** Whether an error from starting the server means the binary does not exist (spawn ENOENT). */
export function isNotFoundError(error: unknown): boolean {
  if (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT') {
    return true;
  }
  // vscode-languageclient rejects with a string: "Launching server using command … failed. Error: spawn … ENOENT".
  const text = error instanceof Error ? error.message : String(error);
  return /\bENOENT\b/.test(text);
}

/** A message for a start failure, which may be an Error or (from vscode-languageclient) a string. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  return typeof error === 'string' ? error : JSON.stringify(error);
}
