'use strict';
// Runs the extension's activate() against stand-ins for the `vscode` module and the language
// client, and checks what it asks for: `charter lsp` from the configured path, the
// `charter.today` initialization option, the document selector, restarts on setting changes,
// and a readable error when the server cannot start.
const test = require('node:test');
const assert = require('node:assert/strict');
const Module = require('module');
const path = require('path');

function harness(settings, { startFails = false } = {}) {
  const state = { clients: [], messages: [], commands: {}, configListeners: [] };
  const vscode = {
    workspace: {
      workspaceFolders: [{ uri: { fsPath: '/ws' } }],
      getConfiguration: () => ({ get: (key) => settings[key] }),
      createFileSystemWatcher: (glob) => ({ glob }),
      onDidChangeConfiguration: (listener) => {
        state.configListeners.push(listener);
        return { dispose() {} };
      },
    },
    window: {
      createOutputChannel: (name) => ({ name, appendLine() {}, dispose() {} }),
      showWarningMessage: (message) => state.messages.push(['warning', message]),
      showErrorMessage: async (message) => {
        state.messages.push(['error', message]);
        return undefined;
      },
    },
    commands: {
      registerCommand: (name, fn) => {
        state.commands[name] = fn;
        return { dispose() {} };
      },
      executeCommand() {},
    },
  };
  class LanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
      Object.assign(this, { id, name, serverOptions, clientOptions, running: false });
      state.clients.push(this);
    }
    async start() {
      if (startFails) throw new Error('spawn charter ENOENT');
      this.running = true;
    }
    async stop() {
      this.running = false;
    }
  }
  const client = { LanguageClient, TransportKind: { stdio: 0 } };
  const resolve = Module._resolveFilename;
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    if (request === 'vscode') return vscode;
    if (request === 'vscode-languageclient/node') return client;
    return load.call(this, request, parent, isMain);
  };
  const entry = path.join(__dirname, '..', 'src', 'extension.js');
  delete require.cache[entry];
  const extension = require(entry);
  Module._load = load;
  Module._resolveFilename = resolve;
  return { extension, state, context: { subscriptions: [] } };
}

test('activate starts `charter lsp` with the settings', async () => {
  const { extension, state, context } = harness({
    'server.path': '${workspaceFolder}/target/debug/charter',
    'server.extraArgs': [],
    today: '2026-11-22',
  });
  await extension.activate(context);
  assert.equal(state.clients.length, 1);
  const client = state.clients[0];
  assert.equal(client.id, 'charter');
  assert.equal(client.running, true);
  assert.equal(client.serverOptions.run.command, '/ws/target/debug/charter');
  assert.deepEqual(client.serverOptions.run.args, ['lsp']);
  assert.deepEqual(client.clientOptions.initializationOptions, { today: '2026-11-22' });
  assert.deepEqual(
    client.clientOptions.documentSelector.map((s) => s.language),
    ['charter', 'charter'],
  );
  assert.equal(client.clientOptions.synchronize.fileEvents.glob, '**/*.charter');
  assert.ok(state.commands['charter.restartServer']);
  await extension.deactivate();
  assert.equal(client.running, false);
});

test('a changed server setting restarts the server', async () => {
  const { extension, state, context } = harness({ 'server.path': '', today: null });
  await extension.activate(context);
  assert.equal(state.clients[0].serverOptions.run.command, 'charter');
  assert.deepEqual(state.clients[0].clientOptions.initializationOptions, {});
  state.configListeners[0]({ affectsConfiguration: (s) => s === 'charter.today' });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(state.clients.length, 2);
  assert.equal(state.clients[0].running, false);
  assert.equal(state.clients[1].running, true);
  state.configListeners[0]({ affectsConfiguration: (s) => s === 'editor.fontSize' });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(state.clients.length, 2);
  await extension.deactivate();
});

test('a server that cannot start is reported, not thrown', async () => {
  const { extension, state, context } = harness({ 'server.path': '/nope/charter', today: 'tomorrow' }, { startFails: true });
  await extension.activate(context);
  assert.deepEqual(state.messages[0][0], 'warning');
  assert.match(state.messages[0][1], /YYYY-MM-DD/);
  assert.equal(state.messages[1][0], 'error');
  assert.match(state.messages[1][1], /could not start the language server.*ENOENT.*charter\.server\.path/);
  await extension.deactivate();
});
