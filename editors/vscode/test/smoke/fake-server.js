#!/usr/bin/env node
// A language server for the smoke tests that makes the restart race happen every time: it
// holds its answer to textDocument/foldingRange until `shutdown` arrives and then refuses the
// held requests with InvalidRequest (-32600), as a server that is shutting down must (newsmark's
// did so in real VS Code when the request reached it after `shutdown`). A document whose URI
// contains "fails" gets an internal error at once, a failure of a running server.
'use strict';

const held = [];
let buffer = Buffer.alloc(0);

function send(message) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
  process.stdout.write(`Content-Length: ${body.length}\r\n\r\n`);
  process.stdout.write(body);
}

function handle(message) {
  const { id, method, params } = message;
  switch (method) {
    case 'initialize':
      send({ id, result: { capabilities: { textDocumentSync: 1, foldingRangeProvider: true }, serverInfo: { name: 'fake-server', version: '0' } } });
      break;
    case 'textDocument/foldingRange':
      if (params.textDocument.uri.includes('fails')) {
        send({ id, error: { code: -32603, message: 'the fake server fails this request' } });
      } else {
        held.push(id);
      }
      break;
    case 'shutdown':
      for (const heldId of held.splice(0)) {
        send({ id: heldId, error: { code: -32600, message: 'the server is shutting down' } });
      }
      send({ id, result: null });
      break;
    case 'exit':
      process.exit(0);
      break;
    default:
      if (id !== undefined && method !== undefined) {
        send({ id, error: { code: -32601, message: `${method} is not handled` } });
      }
  }
}

process.stdin.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const end = buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const length = Number(/Content-Length: *(\d+)/i.exec(buffer.subarray(0, end).toString('ascii'))[1]);
    if (buffer.length < end + 4 + length) return;
    const body = buffer.subarray(end + 4, end + 4 + length).toString('utf8');
    buffer = buffer.subarray(end + 4 + length);
    handle(JSON.parse(body));
  }
});
process.stdin.on('end', () => process.exit(0));
