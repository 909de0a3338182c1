import * as vscode from 'vscode';

/** What the status bar item says about the language server. */
export type ServerState =
  | { kind: 'starting' }
  | { kind: 'running'; version?: string }
  | { kind: 'stopped' }
  | { kind: 'error'; reason: string };

/**
 * The "newsmark" item in the status bar: the server's state at a glance, with what to do about
 * it in the tooltip. Clicking it opens the newsmark output, where start failures and the
 * server's own messages are. It stays visible once the extension is active (which only a
 * newsmark document or workspace makes it), so a server that dies is noticed.
 */
export class ServerStatus implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private current: ServerState = { kind: 'stopped' };

  constructor(
    showOutputCommand: string,
    private readonly restartCommand: string,
  ) {
    this.item = vscode.window.createStatusBarItem('newsmark.status', vscode.StatusBarAlignment.Left, 0);
    this.item.name = 'newsmark language server';
    this.item.command = showOutputCommand;
    this.set({ kind: 'stopped' });
    this.item.show();
  }

  get state(): ServerState {
    return this.current;
  }

  set(state: ServerState): void {
    this.current = state;
    const item = this.item;
    const tooltip = new vscode.MarkdownString(undefined, true);
    // Only our own restart command may run from the tooltip's link.
    tooltip.isTrusted = { enabledCommands: [this.restartCommand] };
    const restart = `[Restart the server](command:${this.restartCommand})`;
    item.backgroundColor = undefined;
    switch (state.kind) {
      case 'starting':
        item.text = '$(loading~spin) newsmark';
        tooltip.appendMarkdown('newsmark language server: **starting**');
        break;
      case 'running':
        item.text = '$(check) newsmark';
        tooltip.appendMarkdown(`newsmark language server${state.version ? ` ${state.version}` : ''}: **running**\n\n${restart}`);
        break;
      case 'stopped':
        item.text = '$(circle-slash) newsmark';
        tooltip.appendMarkdown(`newsmark language server: **stopped**\n\n${restart}`);
        break;
      case 'error':
        item.text = '$(error) newsmark';
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        tooltip.appendMarkdown('newsmark language server: **error**\n\n');
        tooltip.appendText(state.reason);
        tooltip.appendMarkdown(`\n\n${restart}; the output has the details (click).`);
        break;
    }
    item.tooltip = tooltip;
    // The state in words, for screen readers (the icon alone says nothing to them).
    item.accessibilityInformation = { label: `newsmark language server: ${state.kind}`, role: 'button' };
  }

  dispose(): void {
    this.item.dispose();
  }
}
