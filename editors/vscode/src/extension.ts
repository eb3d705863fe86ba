// The marginalia extension: starts `marginalia lsp` for the Markdown notes of a marginalia workspace,
// shows the state of the index in the status bar, adds commands, and shows the text the server extracted from a PDF
// article as a read-only `marginalia:` document.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let status: vscode.StatusBarItem;
let checkResults: vscode.DiagnosticCollection;
/** The state of the index as the server last said it (`marginalia/status`), and an event when it is ready. */
let indexState: IndexStatus['state'] | undefined;
const indexReady = new vscode.EventEmitter<void>();

/**
 * The scheme of the documents that show the text extracted from a PDF article (`marginalia:///…/name.pdf.txt`), and
 * the request that gives that text.
 */
const SOURCE_TEXT_SCHEME = 'marginalia';
const SOURCE_TEXT_REQUEST = 'marginalia/sourceText';
/** How long a `marginalia:` document waits for an index that is still being built before it gives up. */
const INDEX_WAIT_MS = 60_000;

interface IndexStatus {
  state: 'indexing' | 'ready';
  articles: number;
  entities: number;
  /** False while a large workspace is ready for citations and quotes and its names are still being found. */
  complete?: boolean;
}

interface CheckReport {
  diagnostics: Array<{
    file: string;
    line: number;
    column: number;
    end_line: number;
    end_column: number;
    severity: 'error' | 'warning';
    code: string;
    message: string;
  }>;
  problems: string[];
  /** Notes that could not be read, so were not checked: errors (counted in `summary.errors`). */
  unreadable_notes?: Array<{ file: string; problem: string }>;
  summary: { notes: number; articles: number; errors: number; warnings: number };
}

/** What `marginalia check --format json` prints (exit code 2) when marginalia.toml is invalid: nothing was checked. */
interface CheckConfigError {
  error: { file: string; line: number; column: number; message: string };
}

/** When notes are checked: `onChange` (as you type) or `onSave` (the `marginalia.diagnostics` setting). */
function diagnosticsMode(): string {
  return vscode.workspace.getConfiguration('marginalia').get<string>('diagnostics', 'onChange');
}

/** The server binary that runs, and where it was found (said in the output when it starts). */
interface Server {
  path: string;
  origin: string;
}

/** The name of the server binary: on PATH, and in the extension's `server` folder, where package.sh puts it. */
const SERVER_BINARY = process.platform === 'win32' ? 'marginalia.exe' : 'marginalia';

/** What is at `file`: a file that can be run, one that cannot (yet), something else (a folder), or nothing. */
function probe(file: string): 'executable' | 'not executable' | 'not a file' | 'missing' {
  try {
    if (!fs.statSync(file).isFile()) {
      return 'not a file';
    }
  } catch {
    return 'missing';
  }
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return 'executable';
  } catch {
    return 'not executable';
  }
}

/** The first executable file called `name` in the folders of PATH. */
function onPath(name: string): string | undefined {
  const extensions = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE').split(';') : [''];
  for (const folder of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const extension of extensions) {
      const candidate = path.join(folder, name + extension);
      if (probe(candidate) === 'executable') {
        return candidate;
      }
    }
  }
  return undefined;
}

/**
 * The server to run, in this order: the `marginalia.server.path` setting when it is set (it must name an executable
 * file, or a command on PATH); else the binary bundled with the extension; else `marginalia` on PATH. Throws an
 * error that says what to do when there is none, or when the setting names nothing runnable (a wrong setting is
 * not passed over for another server).
 */
function findServer(extensionPath: string): Server {
  const configured = vscode.workspace.getConfiguration('marginalia').get<string>('server.path', '').trim();
  if (configured) {
    const fix = 'Point it at the marginalia binary, or clear it to use the server bundled with the extension.';
    if (!configured.includes('/') && !configured.includes(path.sep)) {
      const found = onPath(configured);
      if (!found) {
        throw new Error(`marginalia.server.path is \`${configured}\`, which is not a command on PATH. ${fix}`);
      }
      return { path: found, origin: 'the marginalia.server.path setting, found on PATH' };
    }
    const file = configured.replace(/^~(?=$|[\\/])/, os.homedir());
    switch (probe(file)) {
      case 'executable':
        return { path: file, origin: 'the marginalia.server.path setting' };
      case 'not executable':
        throw new Error(`marginalia.server.path is \`${configured}\`, which is not executable. ${fix}`);
      case 'not a file':
        throw new Error(`marginalia.server.path is \`${configured}\`, which is not a file. ${fix}`);
      case 'missing':
        throw new Error(`marginalia.server.path is \`${configured}\`, which does not exist. ${fix}`);
    }
  }
  const bundled = path.join(extensionPath, 'server', SERVER_BINARY);
  const state = probe(bundled);
  if (state === 'executable' || state === 'not executable') {
    if (state === 'not executable') {
      // Installing a .vsix can drop the file's mode (it is a zip archive): give it back, as rust-analyzer does.
      try {
        fs.chmodSync(bundled, 0o755);
        output.info(`Made the bundled server executable: ${bundled}`);
      } catch (error) {
        throw new Error(
          `the server bundled with the extension (${bundled}) is not executable, and making it so failed ` +
            `(${reason(error)}). Reinstall the extension, or set marginalia.server.path.`,
        );
      }
    }
    return { path: bundled, origin: 'bundled with the extension' };
  }
  const found = onPath(SERVER_BINARY);
  if (found) {
    return { path: found, origin: 'found on PATH' };
  }
  throw new Error(
    'no marginalia server to start: this copy of the extension has no bundled server, and `marginalia` is not ' +
      'on PATH. Install it with `cargo install marginalia`, or set marginalia.server.path to the binary.',
  );
}

/**
 * The one report of a server that could not be started: a message saying what to do with a button to the setting,
 * the same in the output, and a status bar that says so until the server starts.
 */
function reportFailedStart(problem: string): void {
  output.error(`The server was not started: ${problem}`);
  showStatus(
    '$(error) marginalia: not started',
    `The marginalia server was not started: ${problem} Click to open the marginalia.server.path setting.`,
    'marginalia.openServerSetting',
  );
  void vscode.window.showErrorMessage(`marginalia: ${problem}`, 'Open settings').then((choice) => {
    if (choice) {
      void vscode.commands.executeCommand('marginalia.openServerSetting');
    }
  });
}

function startClient(context: vscode.ExtensionContext): LanguageClient | undefined {
  // A server that cannot run is reported here, once: the language client would add its own message, and leave the
  // status bar saying "starting".
  let server: Server;
  try {
    server = findServer(context.extensionPath);
  } catch (error) {
    reportFailedStart(reason(error));
    return undefined;
  }
  output.info(`Starting ${server.path} lsp (${server.origin})`);
  const serverOptions: ServerOptions = { command: server.path, args: ['lsp'] };
  const clientOptions: LanguageClientOptions = {
    // Notes are Markdown; articles are plain text or saved web pages, where references on a sentence list the notes
    // that quote it and a lens at the top says how the notes use the article (the server leaves other files alone).
    // The text extracted from a PDF article, shown as a `marginalia:` document, is that article to the server.
    documentSelector: [
      { scheme: 'file', language: 'markdown' },
      { scheme: 'file', language: 'plaintext' },
      { scheme: 'file', language: 'html' },
      { scheme: SOURCE_TEXT_SCHEME },
    ],
    // The server asks to be told about changed articles of the kinds it reads as text; PDF articles are reported
    // from here, so that a PDF added to or changed in the workspace is read again.
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.pdf') },
    outputChannel: output,
    traceOutputChannel: output,
    initializationOptions: {
      diagnostics: diagnosticsMode(),
      // VS Code pulls diagnostics: the open notes' when they change (or are saved), and the closed notes' in the
      // background, so that the Problems panel lists every note of the workspace.
      pullDiagnostics: true,
      // Definitions and references into a PDF answer `marginalia:` documents, which `SourceTextProvider` shows.
      sourceTextDocuments: true,
    },
    diagnosticPullOptions: { onChange: diagnosticsMode() === 'onChange', onSave: true },
  };
  const languageClient = new LanguageClient('marginalia', 'marginalia', serverOptions, clientOptions);
  languageClient.onDidChangeState((event) => {
    if (event.newState === State.Starting) {
      showStatus('$(sync~spin) marginalia: starting', 'Starting the marginalia server');
    } else if (event.newState === State.Stopped) {
      showStatus('$(error) marginalia: stopped', 'The marginalia server stopped; see the output', 'marginalia.showOutput');
    }
  });
  context.subscriptions.push(
    languageClient.onNotification('marginalia/status', (index: IndexStatus) => {
      indexState = index.state;
      if (index.state === 'ready') {
        indexReady.fire();
      }
      if (index.state === 'indexing') {
        showStatus('$(sync~spin) marginalia: indexing', 'Indexing the articles of the workspace');
      } else if (index.complete === false) {
        showStatus(
          `$(sync~spin) marginalia: ${count(index.articles, 'article')}, finding names`,
          'Citations and quotes are checked; entity mentions are checked once the names are found.',
        );
      } else {
        showStatus(
          `$(book) marginalia: ${count(index.articles, 'article')}, ${count(index.entities, 'entity', 'entities')}`,
          'marginalia is ready. Click to check the whole workspace.',
          'marginalia.checkWorkspace',
        );
      }
    }),
  );
  indexState = undefined;
  languageClient
    .start()
    .catch((error: unknown) => reportFailedStart(`\`${server.path} lsp\` could not be started: ${reason(error)}.`));
  return languageClient;
}

function showStatus(text: string, tooltip: string, command?: string): void {
  status.text = text;
  status.tooltip = tooltip;
  status.command = command;
  status.show();
}

/**
 * Runs `marginalia check --format json` on the first workspace folder, with the server the language client would
 * start, and shows every problem.
 */
async function checkWorkspace(extensionPath: string): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showWarningMessage('marginalia: open a workspace folder first');
    return;
  }
  let server: Server;
  try {
    server = findServer(extensionPath);
  } catch (error) {
    void vscode.window.showErrorMessage(`marginalia: ${reason(error)}`);
    return;
  }
  const root = folder.uri.fsPath;
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(server.path, ['check', root, '--format', 'json'], { maxBuffer: 64 * 1024 * 1024 }, (error, out, err) => {
      // Exit code 1 means "problems found", exit code 2 with JSON an invalid configuration (handled below); no
      // output at all (a usage error: exit code 2, the message on stderr) is a failure.
      if (out.trim()) {
        resolve(out);
      } else {
        reject(new Error(err.trim() || (error ? error.message : 'no output')));
      }
    });
  }).catch((error: Error) => {
    void vscode.window.showErrorMessage(`marginalia check failed: ${error.message}`);
    return undefined;
  });
  if (!stdout) {
    return;
  }
  let parsed: CheckReport | CheckConfigError;
  try {
    parsed = JSON.parse(stdout) as CheckReport | CheckConfigError;
  } catch (error) {
    void vscode.window.showErrorMessage(`marginalia check failed: ${reason(error)}: ${stdout.slice(0, 200)}`);
    return;
  }
  const absolute = (file: string): string => (path.isAbsolute(file) ? file : path.join(root, file));
  checkResults.clear();
  if ('error' in parsed && parsed.error) {
    const { file, line, column, message } = parsed.error;
    const at = new vscode.Position(Math.max(line - 1, 0), Math.max(column - 1, 0));
    const diagnostic = new vscode.Diagnostic(
      new vscode.Range(at, at),
      `invalid configuration: ${message}`,
      vscode.DiagnosticSeverity.Error,
    );
    diagnostic.source = 'marginalia check';
    checkResults.set(vscode.Uri.file(absolute(file)), [diagnostic]);
    void vscode.window.showErrorMessage(
      `marginalia check: invalid configuration, nothing checked: ${file}:${line}:${column}: ${message}`,
    );
    void vscode.commands.executeCommand('workbench.actions.view.problems');
    return;
  }
  const report = parsed as CheckReport;
  const byFile = new Map<string, vscode.Diagnostic[]>();
  for (const d of report.diagnostics ?? []) {
    const range = new vscode.Range(d.line - 1, d.column - 1, d.end_line - 1, d.end_column - 1);
    const severity = d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
    const diagnostic = new vscode.Diagnostic(range, d.message, severity);
    diagnostic.code = d.code;
    diagnostic.source = 'marginalia check';
    const file = absolute(d.file);
    byFile.set(file, [...(byFile.get(file) ?? []), diagnostic]);
  }
  const unreadable = report.unreadable_notes ?? [];
  for (const note of unreadable) {
    const file = absolute(note.file);
    const diagnostic = new vscode.Diagnostic(
      new vscode.Range(0, 0, 0, 0),
      `unreadable note, not checked: ${note.problem}`,
      vscode.DiagnosticSeverity.Error,
    );
    diagnostic.source = 'marginalia check';
    byFile.set(file, [...(byFile.get(file) ?? []), diagnostic]);
    output.appendLine(`marginalia check: ${note.problem}`);
  }
  // An open note already shows the server's live diagnostics (of its text as edited): the check's would repeat them.
  const open = new Set(vscode.workspace.textDocuments.map((document) => document.uri.fsPath));
  for (const [file, diagnostics] of byFile) {
    if (!open.has(file)) {
      checkResults.set(vscode.Uri.file(file), diagnostics);
    }
  }
  for (const problem of report.problems ?? []) {
    output.appendLine(`marginalia check: ${problem}`);
  }
  const { notes, errors, warnings } = report.summary;
  const found = `${count(errors, 'error')}, ${count(warnings, 'warning')}`;
  const summary = `marginalia: ${count(notes, 'note')} checked (as saved): ${found}`;
  if (unreadable.length > 0) {
    void vscode.window.showErrorMessage(`${summary} (${count(unreadable.length, 'note')} could not be read)`);
  } else {
    void vscode.window.showInformationMessage(summary);
  }
  if (errors + warnings > 0) {
    void vscode.commands.executeCommand('workbench.actions.view.problems');
  }
}

interface PassageMatch {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  source: string;
  similarity: number;
  text: string;
}

/** `n` and the noun, singular or plural. */
function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Asks the server which articles contain the selected (or typed) words, and opens the chosen one at them. */
async function findInSources(): Promise<void> {
  if (!client || !client.isRunning()) {
    void vscode.window.showWarningMessage('marginalia: the server is not running');
    return;
  }
  const editor = vscode.window.activeTextEditor;
  const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
  const words = selected.trim() || (await vscode.window.showInputBox({ prompt: 'Words to look for in the articles' }));
  if (!words) {
    return;
  }
  const matches = (await client.sendRequest(ExecuteCommandRequest.type, {
    command: 'marginalia.findQuote',
    arguments: [words],
  })) as PassageMatch[];
  if (!matches.length) {
    void vscode.window.showInformationMessage('marginalia: no article contains these words, nor anything close');
    return;
  }
  const picked = await vscode.window.showQuickPick(
    matches.map((match) => ({
      label: `$(book) ${match.source}`,
      description: match.similarity >= 1 ? 'exact' : `${Math.floor(match.similarity * 100)}% similar`,
      detail: match.text,
      match,
    })),
    { title: 'Articles that contain these words', matchOnDetail: true },
  );
  if (picked) {
    const { start, end } = picked.match.range;
    const range = new vscode.Range(start.line, start.character, end.line, end.character);
    await vscode.window.showTextDocument(vscode.Uri.parse(picked.match.uri), { selection: range });
  }
}

/** Resolves when the index is next ready or `ms` passed (false then), or at once when it is ready already. */
function untilIndexReady(ms: number, token: vscode.CancellationToken): Promise<boolean> {
  if (indexState === 'ready') {
    return Promise.resolve(true);
  }
  return new Promise((resolve) => {
    const done = (ready: boolean): void => {
      clearTimeout(timer);
      subscriptions.forEach((subscription) => subscription.dispose());
      resolve(ready);
    };
    const timer = setTimeout(() => done(false), ms);
    const subscriptions = [indexReady.event(() => done(true)), token.onCancellationRequested(() => done(false))];
  });
}

/** The message of a failed request: the server's own words when it gave some. */
function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The `marginalia:` documents: the text the server extracted from a PDF article, which definitions, references and
 * "Find quote in sources" lead to. They are read-only (VS Code never writes a document of a content provider) and
 * plain text (the name ends with `.txt`). An open one is sent to the server, which answers references on its
 * sentences and a lens at its top. When the index is read again (a PDF changed), the open ones are asked for again.
 */
class SourceTextProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  refreshOpen(): void {
    for (const document of vscode.workspace.textDocuments) {
      if (document.uri.scheme === SOURCE_TEXT_SCHEME) {
        this.changed.fire(document.uri);
      }
    }
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const shown = uri.path.replace(/\.txt$/, '');
    const fail = (why: string): never => {
      throw new Error(`marginalia cannot show the text of ${shown}: ${why}`);
    };
    const running = client;
    const up = (): boolean => running?.state === State.Starting || running?.state === State.Running;
    if (!running || !up()) {
      return fail('the marginalia server is not running (see "marginalia: Show output")');
    }
    const ask = async (): Promise<string> => {
      const answer = await running.sendRequest<{ text: string }>(SOURCE_TEXT_REQUEST, { uri: uri.toString() }, token);
      if (typeof answer?.text !== 'string') {
        throw new Error('the server sent no text');
      }
      return answer.text;
    };
    try {
      return await ask();
    } catch (error) {
      // Asked before the workspace was read (a document restored with the window): ask again once it is.
      const waited = up() && indexState !== 'ready' && !token.isCancellationRequested;
      if (waited && (await untilIndexReady(INDEX_WAIT_MS, token))) {
        try {
          return await ask();
        } catch (again) {
          return fail(reason(again));
        }
      }
      return fail(reason(error));
    }
  }
}

export function activate(context: vscode.ExtensionContext): void {
  output = vscode.window.createOutputChannel('marginalia', { log: true });
  status = vscode.window.createStatusBarItem('marginalia.status', vscode.StatusBarAlignment.Left, 10);
  status.name = 'marginalia';
  checkResults = vscode.languages.createDiagnosticCollection('marginalia-check');
  context.subscriptions.push(output, status, checkResults, indexReady);
  // Registered before the client starts: a `marginalia:` document restored with the window waits for it.
  const sourceTexts = new SourceTextProvider();
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(SOURCE_TEXT_SCHEME, sourceTexts),
    indexReady.event(() => sourceTexts.refreshOpen()),
    // Plain text whatever the user's file associations say of `.txt`.
    vscode.workspace.onDidOpenTextDocument((document) => {
      if (document.uri.scheme === SOURCE_TEXT_SCHEME && document.languageId !== 'plaintext') {
        void vscode.languages.setTextDocumentLanguage(document, 'plaintext');
      }
    }),
  );
  client = startClient(context);

  context.subscriptions.push(
    vscode.commands.registerCommand('marginalia.checkWorkspace', () => checkWorkspace(context.extensionPath)),
    vscode.commands.registerCommand('marginalia.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('marginalia.openServerSetting', () =>
      vscode.commands.executeCommand('workbench.action.openSettings', 'marginalia.server.path'),
    ),
    vscode.commands.registerCommand('marginalia.findInSources', findInSources),
    vscode.commands.registerCommand('marginalia.restartServer', async () => {
      if (client) {
        await client.stop().catch(() => undefined);
      }
      client = startClient(context);
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('marginalia.server.path') || event.affectsConfiguration('marginalia.diagnostics')) {
        void vscode.commands.executeCommand('marginalia.restartServer');
      }
    }),
  );
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
