// A stand-in for the `vscode` module, just enough for the extension and vscode-languageclient
// to activate, start `newsmark lsp`, restart and stop it under plain Node. Anything not
// modelled here is a permissive stub (callable, constructible, disposable). It records what
// the extension shows and logs so test/smoke/smoke.js can check it.
'use strict';

const { EventEmitter: NodeEmitter } = require('node:events');

function stub(name) {
  const fn = function () {
    return stub(`${name}()`);
  };
  return new Proxy(fn, {
    get(target, key) {
      if (key === 'then') return undefined; // not a thenable
      if (key === Symbol.toPrimitive) return () => `[stub ${name}]`;
      if (key === Symbol.iterator) return function* () {};
      if (key === 'dispose') return () => {};
      if (key === 'length') return 0;
      if (key === 'prototype') return target.prototype;
      if (typeof key === 'symbol') return undefined;
      return stub(`${name}.${key}`);
    },
    apply() {
      return stub(`${name}()`);
    },
    construct() {
      return stub(`new ${name}`);
    },
  });
}

function withStubs(name, object) {
  return new Proxy(object, {
    get(target, key) {
      if (key in target) return target[key];
      if (typeof key === 'symbol' || key === 'then' || key === '__esModule') return undefined;
      return stub(`${name}.${String(key)}`);
    },
  });
}

class Disposable {
  constructor(fn) {
    this._fn = fn;
  }
  static from(...items) {
    return new Disposable(() => items.forEach((i) => i && i.dispose && i.dispose()));
  }
  dispose() {
    if (this._fn) this._fn();
    this._fn = undefined;
  }
}

class EventEmitter {
  constructor() {
    this._listeners = new Set();
    this.event = (listener, thisArg, disposables) => {
      const bound = thisArg ? listener.bind(thisArg) : listener;
      this._listeners.add(bound);
      const d = new Disposable(() => this._listeners.delete(bound));
      if (Array.isArray(disposables)) disposables.push(d);
      return d;
    };
  }
  fire(value) {
    for (const l of [...this._listeners]) l(value);
  }
  dispose() {
    this._listeners.clear();
  }
}

class Uri {
  constructor(scheme, path) {
    this.scheme = scheme;
    this.authority = '';
    this.path = path;
    this.query = '';
    this.fragment = '';
    this.fsPath = path;
  }
  static file(p) {
    return new Uri('file', p);
  }
  static parse(s) {
    const m = /^([a-z][a-z0-9+.-]*):(.*)$/i.exec(s);
    const u = new Uri(m ? m[1] : 'file', m ? m[2] : s);
    u._text = s;
    return u;
  }
  toString() {
    return this._text ?? `${this.scheme}://${this.path}`;
  }
  toJSON() {
    return this.toString();
  }
  with() {
    return this;
  }
}

const LogLevel = { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 };
const StatusBarAlignment = { Left: 1, Right: 2 };

class ThemeColor {
  constructor(id) {
    this.id = id;
  }
}

class MarkdownString {
  constructor(value = '', supportThemeIcons = false) {
    this.value = value;
    this.supportThemeIcons = supportThemeIcons;
  }
  appendMarkdown(text) {
    this.value += text;
    return this;
  }
  appendText(text) {
    this.value += text.replace(/[\\`*_{}[\]()#+\-.!]/g, '\\$&');
    return this;
  }
}

function createFake() {
  // statusItems: every status bar item created, as { id, text, tooltip, visible, … }.
  // foldingProviders: the folding range providers registered, newest last.
  const record = { messages: [], external: [], commands: new Map(), executed: [], log: [], choices: [], statusItems: [], foldingProviders: [] };
  const settings = new Map();
  const configEmitter = new EventEmitter();
  const procEmitter = new NodeEmitter();

  function logChannel(name) {
    const levelEmitter = new EventEmitter();
    const write = (level) => (message, ...args) => {
      const text = message instanceof Error ? message.message : String(message);
      record.log.push(`[${level}] ${text}${args.length ? ' ' + args.map(String).join(' ') : ''}`);
    };
    return {
      name,
      logLevel: LogLevel.Info,
      onDidChangeLogLevel: levelEmitter.event,
      trace: write('trace'),
      debug: write('debug'),
      info: write('info'),
      warn: write('warning'),
      error: write('error'),
      append: (v) => record.log.push(String(v)),
      appendLine: (v) => record.log.push(String(v)),
      replace() {},
      clear() {},
      show() {},
      hide() {},
      dispose() {},
    };
  }

  function showMessage(kind) {
    return (message, ...items) => {
      record.messages.push({ kind, message, items: items.filter((i) => typeof i === 'string') });
      return Promise.resolve(record.choices.shift());
    };
  }

  const vscode = {
    // So that TypeScript's `import * as vscode` helper (__importStar) uses this object as it is.
    __esModule: true,
    version: '1.91.0',
    Disposable,
    EventEmitter,
    Uri,
    LogLevel,
    StatusBarAlignment,
    ThemeColor,
    MarkdownString,
    env: withStubs('env', {
      appName: 'Fake Code',
      appRoot: '/',
      language: 'en',
      machineId: 'fake',
      sessionId: 'fake',
      uiKind: 1,
      openExternal: (uri) => {
        record.external.push(uri.toString());
        return Promise.resolve(true);
      },
    }),
    window: withStubs('window', {
      createOutputChannel: (name) => logChannel(name),
      createStatusBarItem: (id, alignment, priority) => {
        const item = {
          id,
          alignment,
          priority,
          text: '',
          visible: false,
          disposed: false,
          show() {
            this.visible = true;
          },
          hide() {
            this.visible = false;
          },
          dispose() {
            this.disposed = true;
            this.visible = false;
          },
        };
        record.statusItems.push(item);
        return item;
      },
      showErrorMessage: showMessage('error'),
      showWarningMessage: showMessage('warning'),
      showInformationMessage: showMessage('info'),
      visibleTextEditors: [],
      activeTextEditor: undefined,
      tabGroups: withStubs('tabGroups', { all: [], onDidChangeTabs: new EventEmitter().event }),
    }),
    workspace: withStubs('workspace', {
      workspaceFolders: undefined,
      textDocuments: [],
      notebookDocuments: [],
      isTrusted: true,
      getConfiguration(section) {
        const prefix = section ? `${section}.` : '';
        return {
          get: (key, dflt) => (settings.has(prefix + key) ? settings.get(prefix + key) : dflt),
          has: (key) => settings.has(prefix + key),
          inspect: () => undefined,
          update: () => Promise.resolve(),
        };
      },
      onDidChangeConfiguration: configEmitter.event,
    }),
    languages: withStubs('languages', {
      createDiagnosticCollection: () => withStubs('diagnostics', { set() {}, delete() {}, clear() {}, dispose() {}, forEach() {} }),
      match: () => 0,
      registerFoldingRangeProvider: (selector, provider) => {
        record.foldingProviders.push(provider);
        return new Disposable(() => record.foldingProviders.splice(record.foldingProviders.indexOf(provider), 1));
      },
    }),
    commands: withStubs('commands', {
      registerCommand: (id, callback) => {
        record.commands.set(id, callback);
        return new Disposable(() => record.commands.delete(id));
      },
      executeCommand: (id, ...args) => {
        record.executed.push([id, ...args]);
        const cb = record.commands.get(id);
        return Promise.resolve(cb ? cb(...args) : undefined);
      },
    }),
  };

  return {
    vscode: withStubs('vscode', vscode),
    record,
    /** Sets `newsmark.*` settings and fires onDidChangeConfiguration for them. */
    configure(values) {
      for (const [key, value] of Object.entries(values)) settings.set(key, value);
      const keys = Object.keys(values);
      configEmitter.fire({ affectsConfiguration: (s) => keys.some((k) => k === s || k.startsWith(`${s}.`)) });
    },
    settings,
    procEmitter,
  };
}

module.exports = { createFake };
