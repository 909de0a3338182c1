// The newsmark extension: starts `newsmark lsp` for newsmark documents and talks to it with
// vscode-languageclient. Syntax highlighting and editing behaviour are declarative (see
// package.json, syntaxes/ and language-configuration.json).

import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  CloseAction,
  CloseHandlerResult,
  ErrorAction,
  ErrorHandler,
  ErrorHandlerResult,
  Executable,
  LanguageClientOptions,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';
import { NewsmarkClient } from './client';
import { codeLensMiddleware } from './codeLens';
import { OPEN_PREVIEW_COMMAND, Preview } from './preview';
import { DEFAULT_SERVER_PATH, errorMessage, isNotFoundError, resolveServerCommand } from './serverPath';
import { ServerStatus } from './status';
import { TraceOutputChannel } from './traceChannel';

/** Where the install instructions for the `newsmark` binary are. */
export const INSTALL_URL = 'https://github.com/newsmark/newsmark#install';

const CLIENT_ID = 'newsmark';
const CLIENT_NAME = 'newsmark';
const LANGUAGE_ID = 'newsmark';
const STOP_TIMEOUT_MS = 2000;
const RESTART_COMMAND = 'newsmark.restartServer';
const SHOW_OUTPUT_COMMAND = 'newsmark.showOutput';

const INSTALL_ACTION = 'Install instructions';
const SETTINGS_ACTION = 'Open settings';
const OUTPUT_ACTION = 'Show output';

/**
 * Owns the language client; start, stop and restart run one at a time, in order: a new client
 * starts only once the old one has stopped (or its stop timed out and its process was left to
 * vscode-languageclient to kill), so two servers never run side by side and the old client's
 * last answers cannot be taken for the new one's.
 */
class ServerManager {
  private client: NewsmarkClient | undefined;
  private clientListener: vscode.Disposable | undefined;
  private queue: Promise<void> = Promise.resolve();
  /** A restart queued and not begun yet: further restarts asked for meanwhile join it. */
  private pendingRestart: Promise<void> | undefined;
  private disposed = false;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly trace: TraceOutputChannel,
    private readonly status: ServerStatus,
  ) {}

  start(): Promise<void> {
    return this.enqueue(() => this.doStart());
  }

  /** The client, while there is one (the preview asks the server through it). */
  current(): NewsmarkClient | undefined {
    return this.client;
  }

  restart(): Promise<void> {
    // Retired now, not when the restart runs: the configuration change that asked for it is
    // being delivered to the client at this very moment (see `middleware` below), and what the
    // editor asks of it from now on may be answered by a server that is shutting down.
    this.client?.retire();
    if (this.pendingRestart !== undefined) {
      // Not begun yet, so it will read the settings as they are now: one restart does for both.
      return this.pendingRestart;
    }
    const restart = this.enqueue(async () => {
      this.pendingRestart = undefined;
      this.log.info('Restarting the newsmark language server.');
      await this.doStop();
      await this.doStart();
    });
    this.pendingRestart = restart;
    return restart;
  }

  /** Stops the server; used by `deactivate`. Nothing can be started afterwards. */
  async shutdown(): Promise<void> {
    this.disposed = true;
    this.client?.retire();
    await this.enqueue(() => this.doStop());
  }

  private enqueue(operation: () => Promise<void>): Promise<void> {
    const next = this.queue.then(operation, operation);
    // Keep the chain alive whatever happens to this operation.
    this.queue = next.catch((error: unknown) => this.log.error(`newsmark: ${errorMessage(error)}`));
    return this.queue;
  }

  private async doStart(): Promise<void> {
    if (this.disposed || this.client !== undefined) {
      return;
    }
    this.status.set({ kind: 'starting' });
    const config = vscode.workspace.getConfiguration('newsmark');
    const setting = config.get<string>('server.path', DEFAULT_SERVER_PATH);
    const resolution = resolveServerCommand(setting, {
      env: process.env,
      platform: process.platform,
      home: os.homedir(),
      workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    });
    if (!resolution.found) {
      this.log.error(`Cannot start the newsmark language server: ${resolution.reason} (newsmark.server.path is "${resolution.setting}").`);
      this.status.set({ kind: 'error', reason: `The binary was not found: ${resolution.reason}.` });
      this.reportMissing(resolution.setting);
      return;
    }

    const command = resolution.command;
    const run: Executable = {
      command,
      // No `transport`: vscode-languageclient would add `--stdio`, which `newsmark lsp` does
      // not take. Without one it talks over the process's stdin and stdout all the same.
      args: ['lsp'],
      // Node refuses to spawn .cmd and .bat files without a shell (Windows shims).
      options: { shell: /\.(cmd|bat)$/i.test(command) },
    };
    const serverOptions: ServerOptions = { run, debug: run };
    // Once the server runs, vscode-languageclient's default handling applies (a server that
    // exits is restarted a few times). While it is starting, errors are left to the start
    // failure, which vscode-languageclient reports once, instead of a notification for each
    // symptom and attempts to restart a server that never ran.
    let running = false;
    let defaultHandler: ErrorHandler | undefined;
    const errorHandler: ErrorHandler = {
      error: (error, message, count): ErrorHandlerResult | Promise<ErrorHandlerResult> =>
        running && defaultHandler !== undefined && !client.isRetiring
          ? defaultHandler.error(error, message, count)
          : { action: ErrorAction.Continue, handled: true },
      closed: async (): Promise<CloseHandlerResult> => {
        if (!running || defaultHandler === undefined || this.client !== client || client.isRetiring) {
          return { action: CloseAction.DoNotRestart, handled: true };
        }
        const result = await defaultHandler.closed();
        if (result.action === CloseAction.DoNotRestart) {
          // vscode-languageclient gives up after the server crashed five times in three minutes.
          this.status.set({ kind: 'error', reason: 'The server stopped unexpectedly and was not restarted.' });
        }
        return result;
      },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: LANGUAGE_ID },
        { scheme: 'untitled', language: LANGUAGE_ID },
      ],
      synchronize: {
        // Sends every `newsmark.*` setting to the server (workspace/didChangeConfiguration).
        configurationSection: 'newsmark',
      },
      outputChannel: this.log,
      traceOutputChannel: this.trace,
      errorHandler,
      middleware: {
        ...codeLensMiddleware(() => client.protocol2CodeConverter),
        workspace: {
          // A change of newsmark.server.path restarts the server; the client it replaces would
          // otherwise try to forward that change while it is being stopped, fail, and show the
          // failure as a second notification (with a stack trace) next to the real one.
          didChangeConfiguration: async (sections, next) => {
            if (this.client === client && !client.isRetiring) {
              await next(sections);
            }
          },
        },
      },
      initializationFailedHandler: (error) => {
        this.log.error(`The newsmark language server did not initialize: ${errorMessage(error)}`);
        return false; // no retry; start() fails and that is reported
      },
    };

    const client = new NewsmarkClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    defaultHandler = client.createDefaultErrorHandler();
    this.client = client;
    // Follows the client after the start too: a crashed server that vscode-languageclient
    // restarts goes through Starting to Running again.
    const stateListener = client.onDidChangeState(({ newState }) => {
      if (this.client !== client || this.status.state.kind === 'error') {
        return;
      }
      if (newState === State.Starting) {
        this.status.set({ kind: 'starting' });
      } else if (newState === State.Running) {
        this.status.set({ kind: 'running', version: client.initializeResult?.serverInfo?.version });
      } else {
        this.status.set({ kind: 'stopped' });
      }
    });
    this.clientListener = stateListener;
    this.log.info(`Starting the newsmark language server: ${command} lsp`);
    try {
      await client.startQuietly();
      running = true;
      const info = client.initializeResult?.serverInfo;
      this.status.set({ kind: 'running', version: info?.version });
      this.log.info(`newsmark language server running${info ? ` (${info.name}${info.version ? ` ${info.version}` : ''})` : ''}.`);
    } catch (error) {
      this.client = undefined;
      stateListener.dispose();
      await client.dispose().catch(() => undefined);
      if (client.isRetiring) {
        // A restart asked for while it was starting replaces it; that one reports its outcome.
        this.log.info(`The newsmark language server being replaced did not start: ${errorMessage(error)}`);
      } else if (isNotFoundError(error)) {
        this.log.error(`Cannot start the newsmark language server: ${command} was not found (${errorMessage(error)}).`);
        this.status.set({ kind: 'error', reason: `${command} was not found.` });
        this.reportMissing(resolution.setting);
      } else {
        this.log.error(`The newsmark language server failed to start: ${errorMessage(error)}`);
        this.status.set({ kind: 'error', reason: `The server failed to start: ${errorMessage(error)}` });
        this.reportStartFailure(command);
      }
    }
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    client?.retire();
    this.client = undefined;
    this.clientListener?.dispose();
    this.clientListener = undefined;
    if (client === undefined) {
      if (this.status.state.kind !== 'error') {
        this.status.set({ kind: 'stopped' });
      }
      return;
    }
    try {
      await client.dispose(STOP_TIMEOUT_MS);
      this.log.info('newsmark language server stopped.');
    } catch (error) {
      // A client that never got running cannot be stopped; there is nothing left to clean up.
      this.log.warn(`Stopping the newsmark language server: ${errorMessage(error)}`);
    }
    if (this.status.state.kind !== 'error') {
      this.status.set({ kind: 'stopped' });
    }
  }

  /** The one message for a server that is there but did not start (vscode-languageclient's own is held back). */
  private reportStartFailure(command: string): void {
    void vscode.window
      .showErrorMessage(
        `newsmark: the language server (${command} lsp) failed to start; the "newsmark" output says why. Check "newsmark.server.path", then run "newsmark: Restart Server".`,
        OUTPUT_ACTION,
        SETTINGS_ACTION,
      )
      .then((choice) => {
        if (choice === OUTPUT_ACTION) {
          this.log.show(true);
        } else if (choice === SETTINGS_ACTION) {
          void vscode.commands.executeCommand('workbench.action.openSettings', 'newsmark.server.path');
        }
      });
  }

  private reportMissing(setting: string): void {
    const where = setting.trim() === '' || setting.trim() === DEFAULT_SERVER_PATH ? `"${DEFAULT_SERVER_PATH}" on PATH` : `"${setting}"`;
    void vscode.window
      .showErrorMessage(
        `newsmark: the language server binary was not found (looked for ${where}). Install newsmark, or set "newsmark.server.path" to the binary, then run "newsmark: Restart Server".`,
        INSTALL_ACTION,
        SETTINGS_ACTION,
      )
      .then((choice) => {
        if (choice === INSTALL_ACTION) {
          void vscode.env.openExternal(vscode.Uri.parse(INSTALL_URL));
        } else if (choice === SETTINGS_ACTION) {
          void vscode.commands.executeCommand('workbench.action.openSettings', 'newsmark.server.path');
        }
      });
  }
}

let manager: ServerManager | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('newsmark', { log: true });
  const trace = new TraceOutputChannel(log);
  const status = new ServerStatus(SHOW_OUTPUT_COMMAND, RESTART_COMMAND);
  const serverManager = new ServerManager(log, trace, status);
  manager = serverManager;

  const preview = new Preview(() => serverManager.current(), log);

  context.subscriptions.push(
    log,
    trace,
    status,
    preview,
    vscode.commands.registerCommand(OPEN_PREVIEW_COMMAND, (uri?: vscode.Uri) => {
      // From the editor's title bar VS Code passes the document's URI; from the palette, nothing.
      const editor = vscode.window.activeTextEditor;
      const document =
        uri instanceof vscode.Uri
          ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())
          : editor?.document;
      if (document === undefined || document.languageId !== LANGUAGE_ID) {
        void vscode.window.showInformationMessage('newsmark: open a newsmark article (.news) to preview it.');
        return;
      }
      preview.open(document, editor?.document === document ? editor : undefined);
    }),
    vscode.commands.registerCommand(RESTART_COMMAND, () => serverManager.restart()),
    vscode.commands.registerCommand(SHOW_OUTPUT_COMMAND, () => log.show(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('newsmark.trace.server')) {
        trace.refresh();
      }
      if (event.affectsConfiguration('newsmark.server.path')) {
        void serverManager.restart();
      }
    }),
  );

  await serverManager.start();
}

export async function deactivate(): Promise<void> {
  const current = manager;
  manager = undefined;
  await current?.shutdown();
}
