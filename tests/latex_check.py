"""A parse-level LaTeX check for the tables cnnspec writes (no TeX installation needed).

It accepts only what a booktabs table needs and fails on anything TeX would reject or
misprint: unbalanced braces or environments, an unescaped special character, a row with
the wrong number of cells, or a command outside the small set the renderer uses.
"""

import re

ALLOWED_COMMANDS = {
    "begin", "end", "centering", "caption", "toprule", "midrule", "bottomrule", "par", "smallskip",
    "footnotesize", "textbackslash", "textasciitilde", "textasciicircum", "textless", "textgreater",
    "rightarrow",
}
ESCAPES = set("&%$#_{}")
_TOKEN = re.compile(r"\\([A-Za-z]+)|\\(.)|([{}&%$#_^~])|(\n)|([^\\{}&%$#_^~\n]+)")


def check_latex_table(text: str) -> list[str]:
    """Problems found in `text` (empty when it is a well-formed booktabs table)."""
    problems = []
    lines = [line for line in text.split("\n") if not line.lstrip().startswith("%")]
    body = "\n".join(lines)
    environments, depth, in_math, math_text = [], 0, False, ""
    for match in _TOKEN.finditer(body):
        command, escaped, special, _, _ = match.groups()
        if in_math and special != "$":
            math_text += match.group()
        if command:
            if command not in ALLOWED_COMMANDS:
                problems.append(f"unknown command \\{command}")
            if command in ("begin", "end"):
                name = re.match(r"\{(\w+)\}", body[match.end():])
                if not name:
                    problems.append(f"\\{command} without an environment name")
                elif command == "begin":
                    environments.append(name.group(1))
                elif not environments or environments.pop() != name.group(1):
                    problems.append(f"\\end{{{name.group(1)}}} closes nothing open")
        elif escaped is not None:
            if escaped not in ESCAPES and escaped != "\\":
                problems.append(f"unknown escape \\{escaped}")
        elif special == "{":
            depth += 1
        elif special == "}":
            depth -= 1
            if depth < 0:
                problems.append("a } closes nothing")
        elif special == "$":
            if in_math and math_text != "\\rightarrow":
                problems.append(f"math other than \\rightarrow: ${math_text}$")
            in_math, math_text = not in_math, ""
        elif special in ("%", "#", "_", "^", "~"):
            problems.append(f"unescaped {special!r}")
    if depth:
        problems.append("unbalanced braces")
    if environments:
        problems.append(f"unclosed environments {environments}")
    if in_math:
        problems.append("unclosed $")
    problems += _check_rows(body)
    return problems


def _check_rows(body: str) -> list[str]:
    spec = re.search(r"\\begin\{tabular\}\{([lcr]+)\}", body)
    if not spec:
        return ["no tabular with a column spec"]
    columns = len(spec.group(1))
    for rule in ("\\toprule", "\\midrule", "\\bottomrule"):
        if rule not in body:
            return [f"no {rule}"]
    inside = body[body.index("\\toprule") : body.index("\\bottomrule")]
    problems = []
    for line in inside.split("\n"):
        line = line.strip()
        if not line or line in ("\\toprule", "\\midrule"):
            continue
        if not line.endswith("\\\\"):
            problems.append(f"row does not end in \\\\: {line}")
        cells = len(re.findall(r"(?<!\\)&", line)) + 1
        if cells != columns:
            problems.append(f"{cells} cells for {columns} columns: {line}")
    return problems
