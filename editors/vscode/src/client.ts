// The language client the extension runs: vscode-languageclient's, told when its failures are
// not the user's business.
//
// vscode-languageclient shows a notification for every failed request and notification. Two
// kinds of failure are no news to the user:
//
// - While a client is being replaced (a restart, a new `newsmark.server.path`) or shut down,
//   requests the editor sent it just before are still in flight. `sendRequest` checks that
//   the client runs and then awaits before writing, so a request can reach the server after
//   `shutdown`, which must answer it with InvalidRequest (-32600); one answered in time is
//   cut off when the connection closes. Either way the editor asks again, of the new client.
//   Shown, that failure was a second toast ("Request textDocument/foldingRange failed") next
//   to the one message that matters (a missing binary), or the only one after a clean restart.
// - While a client is starting, its failure is reported once, by the extension, in words the
//   user can act on (see ServerManager.doStart), instead of "couldn't create connection".
//
// Both are still written to the output channel.

import type { CancellationToken } from 'vscode';
import { LanguageClient, type MessageSignature } from 'vscode-languageclient/node';
import { errorMessage } from './serverPath';

export class NewsmarkClient extends LanguageClient {
  private retiring = false;
  private starting = false;

  /** From now on this client is on its way out: its failures are logged, never shown. */
  retire(): void {
    this.retiring = true;
  }

  /** Whether `retire` was called. */
  get isRetiring(): boolean {
    return this.retiring;
  }

  /** Starts the client with notifications of its own failure held back (the caller reports it). */
  async startQuietly(): Promise<void> {
    this.starting = true;
    try {
      await this.start();
    } finally {
      this.starting = false;
    }
  }

  override error(message: string, data?: unknown, showNotification: boolean | 'force' = true): void {
    super.error(message, data, this.retiring || this.starting ? false : showNotification);
  }

  override handleFailedRequest<T>(
    type: MessageSignature,
    token: CancellationToken | undefined,
    error: unknown,
    defaultValue: T,
    showNotification = true,
    throwOnCancel = false,
  ): T {
    if (this.retiring) {
      // No result rather than an error: the editor's provider call ends quietly, and its
      // next one goes to the client that replaces this one.
      this.info(`Request ${type.method} to the server being stopped went unanswered: ${errorMessage(error)}`, undefined, false);
      return defaultValue;
    }
    return super.handleFailedRequest(type, token, error, defaultValue, showNotification, throwOnCancel);
  }
}
