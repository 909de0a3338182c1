import * as vscode from 'vscode';

/** The values of `newsmark.trace.server`. */
export type TraceSetting = 'off' | 'messages' | 'verbose';

export function readTraceSetting(): TraceSetting {
  const value = vscode.workspace.getConfiguration('newsmark').get<string>('trace.server', 'off');
  return value === 'messages' || value === 'verbose' ? value : 'off';
}

/**
 * The channel given to vscode-languageclient as `traceOutputChannel`.
 *
 * vscode-languageclient (since 10) traces only while the trace channel's log level is Trace,
 * and a log channel's level is changed only by hand ("Developer: Set Log Level…"), so on
 * its own `newsmark.trace.server` would do nothing. This channel reports the log level Trace
 * exactly when the setting is not `off` (and says so when the setting changes), so the client
 * traces as the setting asks. The messages are written to the "newsmark" log channel.
 */
export class TraceOutputChannel implements vscode.LogOutputChannel {
  private readonly levelEmitter = new vscode.EventEmitter<vscode.LogLevel>();
  readonly onDidChangeLogLevel = this.levelEmitter.event;
  private level: vscode.LogLevel;

  constructor(private readonly target: vscode.LogOutputChannel) {
    this.level = TraceOutputChannel.levelFor(readTraceSetting());
  }

  private static levelFor(setting: TraceSetting): vscode.LogLevel {
    return setting === 'off' ? vscode.LogLevel.Off : vscode.LogLevel.Trace;
  }

  /** Re-reads `newsmark.trace.server`; call when the configuration changes. */
  refresh(): void {
    const level = TraceOutputChannel.levelFor(readTraceSetting());
    if (level !== this.level) {
      this.level = level;
      this.levelEmitter.fire(level);
    }
  }

  get logLevel(): vscode.LogLevel {
    return this.level;
  }

  get name(): string {
    return this.target.name;
  }

  trace(message: string, ...args: unknown[]): void {
    if (this.level !== vscode.LogLevel.Off) {
      // Written at info level so it shows whatever the log channel's own level is.
      this.target.info(`[trace] ${message}`, ...args);
    }
  }

  debug(message: string, ...args: unknown[]): void {
    this.target.debug(message, ...args);
  }

  info(message: string, ...args: unknown[]): void {
    this.target.info(message, ...args);
  }

  warn(message: string, ...args: unknown[]): void {
    this.target.warn(message, ...args);
  }

  error(error: string | Error, ...args: unknown[]): void {
    this.target.error(error, ...args);
  }

  append(value: string): void {
    this.target.append(value);
  }

  appendLine(value: string): void {
    this.target.appendLine(value);
  }

  replace(value: string): void {
    this.target.replace(value);
  }

  clear(): void {
    this.target.clear();
  }

  show(preserveFocus?: boolean): void;
  show(column?: vscode.ViewColumn, preserveFocus?: boolean): void;
  show(columnOrPreserveFocus?: vscode.ViewColumn | boolean, preserveFocus?: boolean): void {
    if (typeof columnOrPreserveFocus === 'boolean' || columnOrPreserveFocus === undefined) {
      this.target.show(columnOrPreserveFocus);
    } else {
      this.target.show(columnOrPreserveFocus, preserveFocus);
    }
  }

  hide(): void {
    this.target.hide();
  }

  /** Disposes only this wrapper; the "newsmark" channel belongs to the extension. */
  dispose(): void {
    this.levelEmitter.dispose();
  }
}
