"""``policy-sdk lsp``: a Language Server Protocol server for ``.policy`` files, over stdio.

Built on pygls/lsprotocol (the ``policy-sdk[lsp]`` extra). It translates LSP messages
to :mod:`policy_sdk.lsp.analysis` and back; every answer there is plain data.

Workspace settings (``initializationOptions``, or the ``policy-sdk`` section of
``workspace/didChangeConfiguration``): ``facts`` — a facts file whose ``schema:``
declarations names are resolved against; ``plugins`` — extra plugin modules to load.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

from policy_sdk import __version__, ast
from policy_sdk.errors import Diagnostic, PolicySdkError
from policy_sdk.lsp import analysis

__all__ = ["DEBOUNCE_SECONDS", "PolicyLanguageServer", "serve"]

#: how long the server waits after the last change before it parses again
DEBOUNCE_SECONDS = 0.15


def uri_to_path(uri: str) -> str:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return uri
    return unquote(parsed.path)


# --- UTF-16 positions --------------------------------------------------------------


def _utf16_col(line: str, column: int) -> int:
    """Code-point column → UTF-16 units (LSP's default position encoding)."""
    prefix = line[:column]
    return column + sum(1 for ch in prefix if ord(ch) > 0xFFFF)


def _char_col(line: str, units: int) -> int:
    """UTF-16 units → code-point column."""
    count = 0
    for i, ch in enumerate(line):
        if count >= units:
            return i
        count += 2 if ord(ch) > 0xFFFF else 1
    return len(line)


def _line(lines: list[str], n: int) -> str:
    return lines[n] if 0 <= n < len(lines) else ""


def _range(lines: list[str], line: int, col: int, end_line: int, end_col: int) -> lsp.Range:
    start = _utf16_col(_line(lines, line), max(col, 0))
    return lsp.Range(
        start=lsp.Position(line=max(line, 0), character=start),
        end=lsp.Position(line=max(end_line, 0),
                         character=_utf16_col(_line(lines, end_line), max(end_col, 0))),
    )


def _diag_range(lines: list[str], d: Diagnostic) -> lsp.Range:
    if d.span is None:
        return _range(lines, 0, 0, 0, 0)
    line, col, end_line, end_col = analysis.span_to_range(d.span)
    if (end_line, end_col) <= (line, col):
        end_line, end_col = line, col + 1
    return _range(lines, line, col, end_line, end_col)


def to_lsp_diagnostic(lines: list[str], d: Diagnostic) -> lsp.Diagnostic:
    message = d.message + (f"\nhelp: {d.help}" if d.help else "")
    where = _diag_range(lines, d)
    fix = analysis.did_you_mean_fix(d)
    data: dict[str, Any] | None = None
    if fix is not None and d.span is not None and d.span.line == d.span.end_line:
        line = _line(lines, d.span.line - 1)
        start, end = d.span.column - 1, max(d.span.end_column - 1, d.span.column)
        start += analysis.fix_offset(line[start:end], fix)
        data = {"fix": fix, "line": d.span.line - 1,
                "start": _utf16_col(line, start), "end": _utf16_col(line, end)}
    return lsp.Diagnostic(
        range=where,
        message=message,
        severity=lsp.DiagnosticSeverity.Error if d.level == "error"
        else lsp.DiagnosticSeverity.Warning,
        code=d.code,
        source="policy-sdk",
        data=data,
    )


_COMPLETION_KINDS = {
    "keyword": lsp.CompletionItemKind.Keyword,
    "attribute": lsp.CompletionItemKind.Field,
    "kind": lsp.CompletionItemKind.Class,
    "function": lsp.CompletionItemKind.Function,
    "value": lsp.CompletionItemKind.EnumMember,
    "rule": lsp.CompletionItemKind.Reference,
}


class PolicyLanguageServer(LanguageServer):
    """The server: documents, the workspace index and the language context."""

    def __init__(self) -> None:
        super().__init__("policy-sdk", __version__,
                         text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.settings: dict[str, Any] = {}
        self.context: analysis.LanguageContext | None = None
        self.index = analysis.WorkspaceIndex()
        self.modules: dict[str, ast.Module | None] = {}
        self._pending: dict[str, asyncio.TimerHandle] = {}

    # -- helpers --------------------------------------------------------------------

    def language(self) -> analysis.LanguageContext:
        if self.context is None:
            self.context = analysis.load_context(
                self.settings.get("facts"), plugins=tuple(self.settings.get("plugins", ()))
            )
        return self.context

    def text_of(self, uri: str) -> str:
        return self.workspace.get_text_document(uri).source

    def analyse(self, uri: str) -> None:
        """Parse and validate one open document and publish its diagnostics."""
        self._pending.pop(uri, None)
        text = self.text_of(uri)
        path = uri_to_path(uri)
        lines = text.splitlines()
        if path.endswith(".tests.yaml"):
            self.index.update(path, text)
            return
        try:
            module, found = analysis.check_text(text, path, self.language())
        except PolicySdkError as exc:  # pragma: no cover - check_text keeps these
            module, found = None, list(exc.diagnostics)
        self.modules[uri] = module
        if module is not None:
            self.index.set_module(path, module)
        problems = [d for d in self.language().problems if d.level == "error"]
        diagnostics = [to_lsp_diagnostic(lines, d) for d in found]
        diagnostics += [
            lsp.Diagnostic(range=_range(lines, 0, 0, 0, 0),
                           message=f"workspace: {d.message}", code=d.code,
                           severity=lsp.DiagnosticSeverity.Warning, source="policy-sdk")
            for d in problems
        ]
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics)
        )

    def schedule(self, uri: str) -> None:
        """Analyse ``uri`` once the user pauses typing (debounce)."""
        loop = asyncio.get_event_loop()
        previous = self._pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self._pending[uri] = loop.call_later(DEBOUNCE_SECONDS, self.analyse, uri)

    def position(self, uri: str, pos: lsp.Position) -> tuple[str, list[str], int, int]:
        text = self.text_of(uri)
        lines = text.splitlines()
        return text, lines, pos.line, _char_col(_line(lines, pos.line), pos.character)

    def location(self, file: str, line: int, col: int, end_line: int,
                 end_col: int) -> lsp.Location:
        uri = Path(file).absolute().as_uri() if "://" not in file else file
        try:
            lines = Path(file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            lines = []
        return lsp.Location(uri=uri, range=_range(lines, line, col, end_line, end_col))


server = PolicyLanguageServer()


@server.feature(lsp.INITIALIZE)
def _initialize(ls: PolicyLanguageServer, params: lsp.InitializeParams) -> None:
    options = params.initialization_options
    if isinstance(options, dict):
        ls.settings.update(options.get("policy-sdk", options))
    roots = [f.uri for f in params.workspace_folders or ()] or (
        [params.root_uri] if params.root_uri else []
    )
    for root in roots:
        path = Path(uri_to_path(root))
        if path.is_dir():
            ls.index.scan(path)


@server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
def _configuration(ls: PolicyLanguageServer, params: lsp.DidChangeConfigurationParams) -> None:
    settings = params.settings
    if isinstance(settings, dict):
        ls.settings.update(settings.get("policy-sdk", settings))
        ls.context = None
        for uri in list(ls.modules):
            ls.analyse(uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def _did_open(ls: PolicyLanguageServer, params: lsp.DidOpenTextDocumentParams) -> None:
    ls.analyse(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def _did_change(ls: PolicyLanguageServer, params: lsp.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
def _did_save(ls: PolicyLanguageServer, params: lsp.DidSaveTextDocumentParams) -> None:
    ls.analyse(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def _did_close(ls: PolicyLanguageServer, params: lsp.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    pending = ls._pending.pop(uri, None)
    if pending is not None:
        pending.cancel()
    ls.modules.pop(uri, None)
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def _hover(ls: PolicyLanguageServer, params: lsp.HoverParams) -> lsp.Hover | None:
    uri = params.text_document.uri
    text, _, line, col = ls.position(uri, params.position)
    module = ls.modules.get(uri)
    found = analysis.hover(text, uri_to_path(uri), line, col, ls.language(), ls.index, module)
    if found is None:
        return None
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=found))


@server.feature(lsp.TEXT_DOCUMENT_COMPLETION,
                lsp.CompletionOptions(trigger_characters=[".", " ", '"']))
def _completion(ls: PolicyLanguageServer, params: lsp.CompletionParams) -> lsp.CompletionList:
    text, _, line, col = ls.position(params.text_document.uri, params.position)
    items = [
        lsp.CompletionItem(label=c.label, kind=_COMPLETION_KINDS.get(c.kind),
                           detail=c.detail or None)
        for c in analysis.completions(text, line, col, ls.language())
    ]
    return lsp.CompletionList(is_incomplete=False, items=items)


@server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
def _formatting(ls: PolicyLanguageServer,
                params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit] | None:
    from policy_sdk.syntax.formatter import format_source

    uri = params.text_document.uri
    text = ls.text_of(uri)
    try:
        new = format_source(text, uri_to_path(uri))
    except PolicySdkError:
        return None  # the diagnostics already say why
    if new == text:
        return []
    lines = text.splitlines()
    end = len(lines)
    return [lsp.TextEdit(range=lsp.Range(start=lsp.Position(line=0, character=0),
                                         end=lsp.Position(line=end + 1, character=0)),
                         new_text=new)]


def _rule_at(ls: PolicyLanguageServer, uri: str, position: lsp.Position) -> str | None:
    """The id of the rule named under the cursor (a rule's name, a test's `rule:`)."""
    text, _, line, col = ls.position(uri, position)
    return analysis.rule_id_at(ls.modules.get(uri), uri_to_path(uri), text, line, col)


def _definitions(ls: PolicyLanguageServer, rule_id: str) -> list[lsp.Location]:
    return [ls.location(d.file, *analysis.span_to_range(d.name_span))
            for d in ls.index.definitions(rule_id)]


@server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
def _definition(ls: PolicyLanguageServer,
                params: lsp.DefinitionParams) -> list[lsp.Location] | None:
    rule_id = _rule_at(ls, params.text_document.uri, params.position)
    return (_definitions(ls, rule_id) or None) if rule_id is not None else None


@server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
def _references(ls: PolicyLanguageServer,
                params: lsp.ReferenceParams) -> list[lsp.Location] | None:
    rule_id = _rule_at(ls, params.text_document.uri, params.position)
    if rule_id is None:
        return None
    out = [ls.location(r.file, r.line, r.start, r.line, r.end)
           for r in ls.index.references(rule_id)]
    if params.context.include_declaration:
        out = _definitions(ls, rule_id) + out
    return out


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def _symbols(ls: PolicyLanguageServer,
             params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol] | None:
    uri = params.text_document.uri
    module = ls.modules.get(uri)
    if module is None:
        return None
    lines = ls.text_of(uri).splitlines()

    def convert(s: analysis.Symbol) -> lsp.DocumentSymbol:
        r = _range(lines, *analysis.span_to_range(s.span))
        return lsp.DocumentSymbol(
            name=s.name, detail=s.detail or None,
            kind=lsp.SymbolKind.Namespace if s.kind == "policy" else lsp.SymbolKind.Function,
            range=r, selection_range=r, children=[convert(c) for c in s.children] or None,
        )

    return [convert(s) for s in analysis.document_symbols(module)]


@server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION,
                lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
def _code_actions(ls: PolicyLanguageServer,
                  params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
    actions = []
    for d in params.context.diagnostics:
        data = d.data
        if not isinstance(data, dict) or not isinstance(data.get("fix"), str):
            continue
        fix = data["fix"]
        line, start, end = data.get("line"), data.get("start"), data.get("end")
        if not (isinstance(line, int) and isinstance(start, int) and isinstance(end, int)):
            continue
        where = lsp.Range(start=lsp.Position(line=line, character=start),
                          end=lsp.Position(line=line, character=end))
        edit = lsp.WorkspaceEdit(changes={params.text_document.uri: [
            lsp.TextEdit(range=where, new_text=fix)
        ]})
        actions.append(lsp.CodeAction(title=f"replace with `{fix}`",
                                      kind=lsp.CodeActionKind.QuickFix,
                                      diagnostics=[d], edit=edit, is_preferred=True))
    return actions or None


def serve() -> None:
    """Run the server on stdin/stdout until the client says exit."""
    with contextlib.suppress(KeyboardInterrupt):
        server.start_io()
