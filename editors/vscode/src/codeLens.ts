// The server's code lenses ("3 mentions") carry VS Code's `editor.action.showReferences` with
// its arguments as JSON: a URI string, a protocol position and protocol locations. VS Code
// checks that command's argument types (a `Uri`, a `Position`, an array of `Location`s) and
// rejects plain objects, and vscode-languageclient passes command arguments through untouched,
// so the lens would do nothing when clicked. The middleware here converts them.

import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';
import type * as proto from 'vscode-languageclient/node';

export const SHOW_REFERENCES = 'editor.action.showReferences';

/** What is needed of vscode-languageclient's `protocol2CodeConverter`. */
export interface Converter {
  asUri(value: string): vscode.Uri;
  asPosition(value: proto.Position): vscode.Position;
  asLocation(value: proto.Location): vscode.Location;
}

function isPosition(value: unknown): value is proto.Position {
  const v = value as proto.Position | null;
  return typeof v === 'object' && v !== null && typeof v.line === 'number' && typeof v.character === 'number';
}

function isLocation(value: unknown): value is proto.Location {
  const v = value as proto.Location | null;
  return typeof v === 'object' && v !== null && typeof v.uri === 'string' && typeof v.range === 'object' && v.range !== null;
}

/**
 * The command with `editor.action.showReferences`'s arguments made VS Code values; any other
 * command, or arguments already converted or not of the expected shape, as it is.
 */
export function convertCommand(command: vscode.Command | undefined, converter: Converter): vscode.Command | undefined {
  if (command === undefined || command.command !== SHOW_REFERENCES || command.arguments === undefined) {
    return command;
  }
  const [uri, position, locations] = command.arguments;
  if (typeof uri !== 'string' || !isPosition(position) || !Array.isArray(locations) || !locations.every(isLocation)) {
    return command;
  }
  return {
    ...command,
    arguments: [converter.asUri(uri), converter.asPosition(position), locations.map((l) => converter.asLocation(l))],
  };
}

function convertLens<T extends vscode.CodeLens>(lens: T, converter: Converter): T {
  lens.command = convertCommand(lens.command, converter);
  return lens;
}

/**
 * Middleware converting the arguments of lenses as they come from the server: resolved ones
 * (`codeLens/resolve`, how the newsmark server sends its commands) and any that come with
 * their command already.
 */
export function codeLensMiddleware(converter: () => Converter): Middleware {
  return {
    provideCodeLenses: async (document, token, next) => {
      const lenses = await next(document, token);
      return lenses?.map((lens) => convertLens(lens, converter()));
    },
    resolveCodeLens: async (lens, token, next) => {
      const resolved = await next(lens, token);
      return resolved ? convertLens(resolved, converter()) : resolved;
    },
  };
}
