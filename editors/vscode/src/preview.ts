// "newsmark: Open Preview to the Side": a webview beside the editor showing the article as
// readers will see it. The server renders it (`workspace/executeCommand` `newsmark.render`)
// from the text it holds, so unsaved edits show; the preview follows the active newsmark
// editor, renders again as you type (debounced, a stale answer never replacing a newer one),
// and scrolls with the editor. The webview's Content-Security-Policy lets only our scroll
// script run (see previewPage.ts).

import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { messagePage, scrollFraction, webviewHtml } from './previewPage';

export const OPEN_PREVIEW_COMMAND = 'newsmark.openPreviewToSide';
export const RENDER_COMMAND = 'newsmark.render';
const VIEW_TYPE = 'newsmark.preview';
/** How long typing must pause before the page is rendered again. */
const DEBOUNCE_MS = 250;

interface RenderResult {
  text: string;
  version: number | null;
}

export class Preview implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private document: vscode.TextDocument | undefined;
  private listeners: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Counts renders asked for: only the answer to the latest is shown. */
  private asked = 0;
  private fraction = 0;

  constructor(
    private readonly client: () => LanguageClient | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Opens the preview of `document` beside it, or shows the open one with it. */
  open(document: vscode.TextDocument, editor?: vscode.TextEditor): void {
    if (this.panel === undefined) {
      const panel = vscode.window.createWebviewPanel(
        VIEW_TYPE,
        title(document),
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        // Scripts on for our scroll script only: the policy refuses every other. No local
        // files: the page needs none, and an article must not reach the disk through it.
        { enableScripts: true, enableCommandUris: false, localResourceRoots: [], retainContextWhenHidden: false },
      );
      this.panel = panel;
      panel.onDidDispose(() => this.closed(), null, this.listeners);
      this.listen();
    } else {
      this.panel.reveal(undefined, true);
    }
    this.show(document, editor);
  }

  private listen(): void {
    this.listeners.push(
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document === this.document && event.contentChanges.length > 0) {
          this.schedule();
        }
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor !== undefined && editor.document.languageId === 'newsmark' && editor.document !== this.document) {
          this.show(editor.document, editor);
        }
      }),
      vscode.window.onDidChangeTextEditorVisibleRanges((event) => {
        if (event.textEditor.document === this.document) {
          this.scrolled(event.textEditor);
        }
      }),
    );
  }

  private show(document: vscode.TextDocument, editor?: vscode.TextEditor): void {
    this.document = document;
    if (this.panel !== undefined) {
      this.panel.title = title(document);
    }
    this.fraction = editor === undefined ? 0 : fractionOf(editor);
    void this.render();
  }

  private schedule(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.render();
    }, DEBOUNCE_MS);
  }

  private scrolled(editor: vscode.TextEditor): void {
    this.fraction = fractionOf(editor);
    void this.panel?.webview.postMessage({ type: 'scroll', fraction: this.fraction });
  }

  private async render(): Promise<void> {
    const document = this.document;
    const panel = this.panel;
    if (document === undefined || panel === undefined) {
      return;
    }
    const ticket = ++this.asked;
    let html: string;
    const client = this.client();
    if (client === undefined || !client.isRunning()) {
      html = messagePage('The newsmark language server is not running: the preview needs it (see the "newsmark" output).');
    } else {
      try {
        const result = (await client.sendRequest('workspace/executeCommand', {
          command: RENDER_COMMAND,
          arguments: [{ uri: document.uri.toString(), format: 'html' }],
        })) as RenderResult | null;
        if (result === null || typeof result.text !== 'string') {
          throw new Error('the server sent no page');
        }
        html = webviewHtml(result.text, nonce(), this.fraction);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.log.warn(`newsmark preview of ${document.uri.toString()}: ${message}`);
        html = messagePage(`The preview could not be rendered: ${message}`);
      }
    }
    // A later render, or another document, has been asked for meanwhile: this one is stale.
    if (ticket === this.asked && this.panel === panel && this.document === document) {
      panel.webview.html = html;
    }
  }

  private closed(): void {
    this.panel = undefined;
    this.document = undefined;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    for (const listener of this.listeners.splice(0)) {
      listener.dispose();
    }
  }

  dispose(): void {
    this.panel?.dispose();
    this.closed();
  }
}

function title(document: vscode.TextDocument): string {
  return `Preview ${path.basename(document.uri.path) || 'article'}`;
}

function fractionOf(editor: vscode.TextEditor): number {
  const ranges = editor.visibleRanges;
  if (ranges.length === 0) {
    return 0;
  }
  return scrollFraction(ranges[0].start.line, ranges[ranges.length - 1].end.line, editor.document.lineCount);
}

function nonce(): string {
  return randomBytes(18).toString('base64');
}
