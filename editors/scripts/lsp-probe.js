'use strict';
// Asks `CHARTER lsp` to initialize and exits 0 when it answers with capabilities, 1 when it
// does not (not wired yet, crashed, or silent for 10 seconds). test.sh uses this to decide
// whether the editor-client tests can run at all, and says SKIPPED when they cannot.
//
//   node lsp-probe.js /path/to/charter

const { spawn } = require('child_process');

const bin = process.argv[2];
if (!bin) {
  console.error('usage: node lsp-probe.js CHARTER_BINARY');
  process.exit(2);
}

const child = spawn(bin, ['lsp'], { stdio: ['pipe', 'pipe', 'pipe'] });
let stderr = '';
let buffer = Buffer.alloc(0);
let done = false;

function finish(code, message) {
  if (done) return;
  done = true;
  clearTimeout(timer);
  console.log(message);
  if (code === 0) {
    send({ jsonrpc: '2.0', id: 2, method: 'shutdown', params: null });
    send({ jsonrpc: '2.0', method: 'exit', params: null });
    setTimeout(() => child.kill(), 1000).unref();
  } else {
    child.kill();
  }
  process.exitCode = code;
}

function send(message) {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  try {
    child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    child.stdin.write(body);
  } catch (error) {
    // The server has gone; `finish` already reported why.
  }
}

const timer = setTimeout(() => finish(1, 'no answer to initialize within 10 s'), 10000);
child.on('error', (error) => finish(1, `cannot start \`${bin} lsp\`: ${error.message}`));
child.stdin.on('error', () => {});
child.stderr.on('data', (chunk) => {
  stderr += chunk.toString();
});
child.on('exit', (code) => {
  const tail = stderr.trim().split('\n').slice(-1)[0] || '';
  finish(1, `\`${bin} lsp\` exited with status ${code} before answering initialize${tail ? `: ${tail}` : ''}`);
});
child.stdout.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const headerEnd = buffer.indexOf('\r\n\r\n');
    if (headerEnd < 0) return;
    const match = /Content-Length: *(\d+)/i.exec(buffer.slice(0, headerEnd).toString());
    if (!match) return finish(1, 'malformed header from the server');
    const length = Number(match[1]);
    if (buffer.length < headerEnd + 4 + length) return;
    const message = JSON.parse(buffer.slice(headerEnd + 4, headerEnd + 4 + length).toString());
    buffer = buffer.slice(headerEnd + 4 + length);
    if (message.id === 1) {
      if (message.result && message.result.capabilities) {
        finish(0, 'charter lsp answered initialize');
      } else {
        finish(1, `initialize failed: ${JSON.stringify(message.error || message)}`);
      }
    }
  }
});

send({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: {} },
});
