'use strict';
// The Charter extension: starts `charter lsp` and connects it to VS Code.
// Plain JavaScript on purpose, so the extension needs no build step.

const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');
const { serverExecutable, serverArgs, initializationOptions } = require('./config');

/** @type {LanguageClient | undefined} */
let client;
/** @type {vscode.OutputChannel | undefined} */
let outputChannel;

/** Settings whose change needs a new server process. */
const RESTART_SETTINGS = ['charter.server.path', 'charter.server.extraArgs', 'charter.today'];

function createClient() {
  const config = vscode.workspace.getConfiguration('charter');
  const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  const command = serverExecutable(config.get('server.path'), folder && folder.uri.fsPath);
  const args = serverArgs(config.get('server.extraArgs'));
  const init = initializationOptions(config.get('today'));
  if (init.problem) {
    vscode.window.showWarningMessage(init.problem);
  }

  const run = { command, args, transport: TransportKind.stdio };
  /** @type {import('vscode-languageclient/node').ServerOptions} */
  const serverOptions = { run, debug: run };
  /** @type {import('vscode-languageclient/node').LanguageClientOptions} */
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'charter' },
      { scheme: 'untitled', language: 'charter' },
    ],
    initializationOptions: init.options,
    synchronize: {
      // The server compiles the whole project: tell it when a file changes on disk.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.charter'),
    },
    outputChannel,
    traceOutputChannel: outputChannel,
  };
  return new LanguageClient('charter', 'Charter Language Server', serverOptions, clientOptions);
}

async function startClient() {
  client = createClient();
  try {
    await client.start();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const choice = await vscode.window.showErrorMessage(
      `Charter: could not start the language server (\`charter lsp\`): ${reason}. ` +
        'Install charter on PATH or set charter.server.path.',
      'Open Settings',
    );
    if (choice === 'Open Settings') {
      vscode.commands.executeCommand('workbench.action.openSettings', 'charter.server');
    }
  }
}

async function stopClient() {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop();
    } catch (error) {
      // A server that failed to start cannot be stopped; there is nothing left to clean up.
      if (outputChannel) {
        outputChannel.appendLine(`stopping the server: ${error}`);
      }
    }
  }
}

async function restart() {
  await stopClient();
  await startClient();
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  outputChannel = vscode.window.createOutputChannel('Charter Language Server');
  context.subscriptions.push(outputChannel);
  context.subscriptions.push(vscode.commands.registerCommand('charter.restartServer', restart));
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (RESTART_SETTINGS.some((setting) => event.affectsConfiguration(setting))) {
        restart();
      }
    }),
  );
  await startClient();
}

function deactivate() {
  return stopClient();
}

module.exports = { activate, deactivate };
