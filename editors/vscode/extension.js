// Starts `policy-sdk lsp` for .policy files. Install: see docs/editors.md.
"use strict";
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("policy-sdk");
  const [command, ...args] = config.get("command", ["policy-sdk", "lsp"]);
  const facts = config.get("facts", "");
  client = new LanguageClient(
    "policy-sdk",
    "policy-sdk",
    { command, args },
    {
      documentSelector: [{ scheme: "file", language: "policy" }, { scheme: "file", pattern: "**/*.tests.yaml" }],
      initializationOptions: facts ? { facts } : {},
    },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
