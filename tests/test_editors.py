"""The editor files under grammars/editors/ agree with the language and start `cnnspec lsp`."""

import json
import re

from cnnspec.servers.document import vocabulary
from conftest import ROOT

EDITORS = ROOT / "grammars" / "editors"


def _words(pattern: str) -> set[str]:
    return set(re.search(r"\\b\((.*)\)\\b", pattern).group(1).split("|"))


def test_the_textmate_grammar_knows_every_keyword_activation_and_padding():
    grammar = json.loads((EDITORS / "cnnspec.tmLanguage.json").read_text())
    by_scope = {".".join(p["name"].split(".")[:3]): p["match"] for p in grammar["patterns"]}
    words = vocabulary()
    assert _words(by_scope["keyword.control.statement"]) == set(words["keywords"])
    assert _words(by_scope["support.function.activation"]) == set(words["activations"])
    assert _words(by_scope["constant.language.padding"]) == set(words["paddings"])
    assert _words(by_scope["constant.language.switch"]) == set(words["switches"])


def test_the_vscode_manifest_starts_cnnspec_lsp_with_that_grammar():
    manifest = json.loads((EDITORS / "vscode" / "package.json").read_text())
    assert manifest["contributes"]["configuration"]["properties"]["cnnspec.command"]["default"] == ["cnnspec", "lsp"]
    [grammar] = manifest["contributes"]["grammars"]
    assert (EDITORS / "vscode" / grammar["path"]).resolve() == EDITORS / "cnnspec.tmLanguage.json"
    assert (EDITORS / "vscode" / manifest["main"]).exists()
    assert '"cnnspec", "lsp"' in (EDITORS / "neovim.lua").read_text()
