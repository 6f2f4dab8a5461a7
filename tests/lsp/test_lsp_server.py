"""The language server as an editor meets it: a subprocess spoken to over stdio by a
real LSP client (pygls's), one session per test, each bounded in time."""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest
from lsprotocol import types as lsp
from pygls.lsp.client import BaseLanguageClient  # type: ignore[attr-defined]

from policy_sdk.syntax.formatter import format_source

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "policies"
T = TypeVar("T")
TIMEOUT = 20.0


class Session:
    def __init__(self, client: BaseLanguageClient) -> None:
        self.client = client
        self.diagnostics: asyncio.Queue[lsp.PublishDiagnosticsParams] = asyncio.Queue()

    def open(self, path: Path, text: str | None = None) -> str:
        uri = path.absolute().as_uri()
        self.client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(
                uri=uri, language_id="policy", version=1,
                text=path.read_text(encoding="utf-8") if text is None else text)))
        return uri

    async def next_diagnostics(self, uri: str) -> lsp.PublishDiagnosticsParams:
        while True:
            got = await asyncio.wait_for(self.diagnostics.get(), TIMEOUT)
            if got.uri == uri:
                return got


def run(workspace: Path, body: Callable[[Session], Awaitable[T]],
        options: dict[str, Any] | None = None) -> T:
    async def main() -> T:
        client = BaseLanguageClient("policy-sdk-tests", "1")
        session = Session(client)

        @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)  # type: ignore[untyped-decorator]
        def _published(params: lsp.PublishDiagnosticsParams) -> None:
            session.diagnostics.put_nowait(params)

        await client.start_io(sys.executable, "-m", "policy_sdk.cli.main", "lsp")
        try:
            await asyncio.wait_for(client.initialize_async(lsp.InitializeParams(
                capabilities=lsp.ClientCapabilities(),
                workspace_folders=[lsp.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
                initialization_options=options,
            )), TIMEOUT)
            client.initialized(lsp.InitializedParams())
            return await asyncio.wait_for(body(session), 4 * TIMEOUT)
        finally:
            try:
                await asyncio.wait_for(client.shutdown_async(None), TIMEOUT)
                client.exit(None)
            finally:
                await client.stop()  # type: ignore[no-untyped-call]

    return asyncio.run(main())


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copy(PACK / "algorithm_filing.policy", tmp_path / "algorithm_filing.policy")
    shutil.copy(PACK / "algorithm_filing.tests.yaml", tmp_path / "algorithm_filing.tests.yaml")
    return tmp_path


def test_a_keyword_typo_is_diagnosed_with_its_range_and_fixed_by_a_change(
    workspace: Path,
) -> None:
    path = workspace / "house.policy"
    path.write_text("requir filing per platform\n", encoding="utf-8")

    async def body(s: Session) -> tuple[Any, ...]:
        uri = s.open(path)
        first = await s.next_diagnostics(uri)
        actions = await s.client.text_document_code_action_async(lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), range=first.diagnostics[0].range,
            context=lsp.CodeActionContext(diagnostics=list(first.diagnostics))))
        s.client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[lsp.TextDocumentContentChangePartial(
                range=lsp.Range(start=lsp.Position(line=0, character=6),
                                end=lsp.Position(line=0, character=6)),
                text="e")]))
        second = await s.next_diagnostics(uri)
        return first, actions, second

    first, actions, second = run(workspace, body)
    [d] = first.diagnostics
    assert d.range == lsp.Range(start=lsp.Position(line=0, character=0),
                                end=lsp.Position(line=0, character=6))
    assert d.code == "syntax"
    assert "did you mean `require`?" in d.message
    assert d.severity == lsp.DiagnosticSeverity.Error
    [action] = actions
    assert action.title == "replace with `require`"
    assert action.edit.changes[path.as_uri()][0].new_text == "require"
    assert second.diagnostics == ()


def test_validation_errors_come_with_the_clis_codes(workspace: Path) -> None:
    path = workspace / "house.policy"
    path.write_text("require filing per platform where platform.hots == \"wechat\"\n")

    async def body(s: Session) -> tuple[Any, Any]:
        uri = s.open(path)
        got = await s.next_diagnostics(uri)
        actions = await s.client.text_document_code_action_async(lsp.CodeActionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), range=got.diagnostics[0].range,
            context=lsp.CodeActionContext(diagnostics=list(got.diagnostics))))
        return got, actions

    got, actions = run(workspace, body)
    [d] = got.diagnostics
    assert d.code == "unknown-attribute"
    assert "did you mean `host`?" in d.message
    assert d.range.start == lsp.Position(line=0, character=34)
    [action] = actions
    [edit] = action.edit.changes[path.as_uri()]
    # only the misspelt part is replaced: `platform.hots` becomes `platform.host`
    assert (edit.range.start.character, edit.range.end.character) == (43, 47)
    assert edit.new_text == "host"


def test_hover_on_a_rule_id_shows_its_citation(workspace: Path) -> None:
    path = workspace / "algorithm_filing.policy"
    line = next(i for i, t in enumerate(path.read_text().splitlines())
                if "rule filing_per_platform" in t)

    async def body(s: Session) -> lsp.Hover | None:
        uri = s.open(path)
        await s.next_diagnostics(uri)
        return await s.client.text_document_hover_async(lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            position=lsp.Position(line=line, character=10)))

    found = run(workspace, body)
    assert found is not None
    assert isinstance(found.contents, lsp.MarkupContent)
    assert "cn.algorithm_filing/filing_per_platform" in found.contents.value
    assert "《互联网信息服务算法推荐管理规定》第二十四条第一款" in found.contents.value


def test_completion_after_platform_lists_its_attributes_including_a_plugins(
    workspace: Path,
) -> None:
    path = workspace / "house.policy"
    text = "require filing per platform where platform.\n"
    path.write_text(text)

    async def body(s: Session) -> lsp.CompletionList:
        uri = s.open(path)
        await s.next_diagnostics(uri)
        got = await s.client.text_document_completion_async(lsp.CompletionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            position=lsp.Position(line=0, character=len(text) - 1)))
        assert isinstance(got, lsp.CompletionList)
        return got

    labels = {i.label: i for i in run(workspace, body).items}
    assert {"host", "type", "id", "name"} <= set(labels)
    # the example third-party plugin (installed by the test command) adds `vendors`
    assert "vendors" in labels
    assert "plugin:quick_app" in (labels["vendors"].detail or "")
    assert "require" not in labels


def test_formatting_returns_the_formatters_output(workspace: Path) -> None:
    path = workspace / "house.policy"
    text = "rule   a {severity advisory\nrequire   filing per platform}\n"
    path.write_text(text)

    async def body(s: Session) -> Sequence[lsp.TextEdit] | None:
        uri = s.open(path)
        await s.next_diagnostics(uri)
        return await s.client.text_document_formatting_async(lsp.DocumentFormattingParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            options=lsp.FormattingOptions(tab_size=2, insert_spaces=True)))

    edits = run(workspace, body)
    assert edits is not None
    [edit] = edits
    assert edit.new_text == format_source(text, str(path))
    assert edit.new_text != text


def test_definition_from_a_policy_tests_rule_key_goes_to_the_rule(workspace: Path) -> None:
    tests = workspace / "algorithm_filing.tests.yaml"
    lines = tests.read_text().splitlines()
    line = next(i for i, t in enumerate(lines) if "rule: cn.algorithm_filing/filing_change" in t)
    column = lines[line].index("filing_change") + 3
    policy_lines = (workspace / "algorithm_filing.policy").read_text().splitlines()
    want_line = next(i for i, t in enumerate(policy_lines) if "rule filing_change" in t)

    async def body(s: Session) -> tuple[Any, Any, Any]:
        uri = s.open(tests)
        definition = await s.client.text_document_definition_async(lsp.DefinitionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            position=lsp.Position(line=line, character=column)))
        refs = await s.client.text_document_references_async(lsp.ReferenceParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri),
            position=lsp.Position(line=line, character=column),
            context=lsp.ReferenceContext(include_declaration=False)))
        policy_uri = s.open(workspace / "algorithm_filing.policy")
        await s.next_diagnostics(policy_uri)
        symbols = await s.client.text_document_document_symbol_async(
            lsp.DocumentSymbolParams(text_document=lsp.TextDocumentIdentifier(uri=policy_uri)))
        return definition, refs, symbols

    definition, refs, symbols = run(workspace, body)
    assert isinstance(definition, list)
    [loc] = definition
    assert loc.uri == (workspace / "algorithm_filing.policy").as_uri()
    assert loc.range.start.line == want_line
    assert policy_lines[want_line][loc.range.start.character:].startswith("filing_change")
    assert refs is not None
    assert len(refs) == sum("rule: cn.algorithm_filing/filing_change" in t for t in lines)
    assert all(r.uri == tests.as_uri() for r in refs)
    [policy] = symbols
    assert policy.name == "cn.algorithm_filing"
    names = [c.name for c in policy.children or ()]
    assert names[:3] == ["filing_per_platform", "filing_change", "cancellation_on_termination"]


def test_a_facts_file_named_in_the_settings_adds_its_attributes(workspace: Path) -> None:
    facts = workspace / "facts.yaml"
    facts.write_text(
        "schema:\n  algorithm:\n    - {name: risk_level, type: string}\n"
        "organization: {name: x, public_opinion: true}\n",
        encoding="utf-8")
    path = workspace / "house.policy"
    path.write_text('require filing per platform where algorithm.risk_level == "high"\n')

    async def body(s: Session) -> lsp.PublishDiagnosticsParams:
        return await s.next_diagnostics(s.open(path))

    without = run(workspace, body)
    assert [d.code for d in without.diagnostics] == ["unknown-attribute"]
    assert run(workspace, body, {"facts": str(facts)}).diagnostics == ()
