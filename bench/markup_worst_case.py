"""Render time of pathological posts: the worst a single post can cost forum.markup.

    .venv/bin/python bench/markup_worst_case.py [--repeat 3] [--only SUBSTRING]

Each input is at most MAX_SOURCE_CHARS (20,000) characters, the longest post the form
accepts. Prints one row per input: its name, its length, the best of --repeat wall-clock
renders in milliseconds (the best run is the one the neighbours disturbed least) and the
best CPU time of the same renders (steadier when the machine is shared), marked
"refused" when forum.markup raised MarkupTooComplex (the time is then the time it took to
refuse). A short summary of the slowest rows comes last. Profile a slow row with
``.venv/bin/pyinstrument bench/markup_worst_case.py --only NAME``.
"""
import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from forum import markup  # noqa: E402

LIMIT = markup.MAX_SOURCE_CHARS
PUNCTUATION = "[]()!*_`<>&#\\|-~:/\"' \n"


def fill(unit: str, limit: int = LIMIT) -> str:
    """``unit`` repeated up to ``limit`` characters (cut to fit exactly)."""
    return (unit * (limit // len(unit) + 1))[:limit]


def random_mix(seed: int, alphabet: str = PUNCTUATION, letters: int = 0) -> str:
    rng = random.Random(seed)
    pool = alphabet + "a" * letters
    return "".join(rng.choice(pool) for _ in range(LIMIT))


def nested_list(width: int = 2) -> str:
    lines, level = [], 0
    while sum(map(len, lines)) < LIMIT - 200:
        lines.append(" " * (width * level) + "- x\n")
        level += 1
    return "".join(lines)[:LIMIT]


def corpus() -> dict[str, str]:
    cases = {
        '"![" * 10000': "![" * 10000,
        '"[" * 20000': "[" * 20000,
        '"]" * 20000': "]" * 20000,
        '"[a](" * 5000': "[a](" * 5000,
        '"[](" * 6666': fill("[]("),
        '"![[" ': fill("![["),
        '"[a](b" unbalanced (': fill("[a](b("),
        '"[a](" + 600 x, repeated': fill("[a](" + "x" * 600),
        '"[a](<" angle destinations': fill("[a](<"),
        '"[a](x \"" titles': fill('[a](x "'),
        "mixed-quote titles": fill("[a](x '" + "y" * 300 + '[a](x "' + "y" * 300),
        '"[a](x (" titles': fill("[a](x ("),
        '"(" after link': "[a](" + "(" * (LIMIT - 5) + ")",
        '"[a]" refs': fill("[a]"),
        '"[a][" refs': fill("[a]["),
        '"[a]: b\\n" defs + uses': fill("[a]: b\n", LIMIT // 2) + fill("[a] ", LIMIT // 2),
        '"![](x)" images': fill("![](x) "),
        '"[![](x)](y)" linked images': fill("[![](x)](y) "),
        '"[x](http://a) " links': fill("[x](http://a) "),
        '"*a" * 10000': "*a" * 10000,
        '"a*" * 10000': "a*" * 10000,
        '"*" * 20000': "*" * 20000,
        '"**" * 10000 (spaced)': fill("** "),
        '"**a" run': fill("**a"),
        '"_" * 20000': "_" * 20000,
        '"_a" * 10000': "_a" * 10000,
        '"a_" mix': fill("a_ _a"),
        '"*_" mix': fill("*_"),
        '"_*a" mix': fill("_*a"),
        '"~~a" strike': fill("~~a"),
        '"~" * 20000': "~" * 20000,
        '"<" * 20000': "<" * 20000,
        '"<a" * 10000': "<a" * 10000,
        '"<http:" autolinks': fill("<http:"),
        '"`" * 20000': "`" * 20000,
        '"`a" * 10000': "`a" * 10000,
        '"``a" runs': fill("``a"),
        'backtick run lengths 1..n': "".join("`" * n + "a" for n in range(1, 200))[:LIMIT],
        '"> " * 10000': "> " * 10000,
        '"> " nested lines': "".join("> " * n + "x\n" for n in range(1, 140))[:LIMIT],
        '"- " * 10000': "- " * 10000,
        '"- " nested list': nested_list(),
        '"1. " nested list': fill("1. "),
        '"|" * 20000': "|" * 20000,
        '"|a" table 5000 cols': ("|a" * 3300)[:6600] + "\n" + ("|-" * 3300)[:6600] + "\n"
                                  + ("|b" * 3400)[:LIMIT - 13202],
        'table 100 cols x rows': "|" + "a|" * 100 + "\n|" + "-|" * 100 + "\n"
                                 + fill("|" + "b|" * 100 + "\n", LIMIT - 404),
        '"\\\\" * 20000': "\\" * 20000,
        '"\\\\[" * 10000': "\\[" * 10000,
        '"&amp;" * 4000': "&amp;" * 4000,
        '"&" * 20000': "&" * 20000,
        '"&#" runs': fill("&#1"),
        '"http://a.b " * 1500': fill("http://a.b "),
        '"www.a.b " linkify': fill("www.a.b "),
        '"www.example.com " fuzzy links': fill("www.example.com "),
        '"a@b.c " emails': fill("a@b.c "),
        '"a@example.com " emails': fill("a@example.com "),
        '"<https://a.b> " autolinks': fill("<https://a.b> "),
        '"http://" no space': fill("http://"),
        '"http://a.b/(" parens': "http://a.b/" + "(" * (LIMIT - 11),
        '"#" * 20000': "#" * 20000,
        '"# a\\n" headings': fill("# a\n"),
        '"=\\n" setext': fill("a\n=\n"),
        '"    " code indent': fill("    a\n"),
        '"```\\n" fences': fill("```\n"),
        '"a  \\n" breaks': fill("a  \n"),
        '"\\n" * 20000': "\n" * 20000,
        '"a\\n" lines (one paragraph)': fill("a\n"),
        '"[a\\n" lines': fill("[a\n"),
        '"[" + 19,999 "a"': "[" + "a" * (LIMIT - 1),
        '"a\\n\\n" paragraphs': fill("a\n\n"),
        '"- a\\n" list items': fill("- a\n"),
        '"1. a\\n" list items': fill("1. a\n"),
        '"> a\\n\\n" quotes': fill("> a\n\n"),
        '"***\\n" rules': fill("***\n"),
        '"| a |\\n" one-column table': "| a |\n|---|\n" + fill("| a |\n", LIMIT - 12),
        '"a " words': fill("a "),
        '"[" then "]" balanced': "[" * 10000 + "]" * 10000,
        '"[" then "](x)"': "[" * 10000 + fill("](x)", 10000),
        '"*" then "a*"': "*" * 10000 + fill("a*", 10000),
        '"[*" mix': fill("[*"),
        '"[`" mix': fill("[`"),
        '"[<" mix': fill("[<"),
        '"![*_`" mix': fill("![*_`"),
    }
    for seed in range(4):
        cases[f"random punctuation seed {seed}"] = random_mix(seed)
    for seed in range(4):
        cases[f"random punctuation+letters seed {seed}"] = random_mix(seed, letters=10)
    cases["random brackets seed 0"] = random_mix(0, "[]()! a")
    cases["random emphasis seed 0"] = random_mix(0, "*_ a")
    for name, text in cases.items():
        assert len(text) <= LIMIT, name
    return cases


def render_ms(text: str, repeat: int) -> tuple[float, float, bool]:
    """Best wall-clock and best CPU milliseconds of ``repeat`` renders (or refusals),
    and whether forum.markup refused the text."""
    wall = cpu = float("inf")
    refused = False
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            markup.render_markdown(text)
        except getattr(markup, "MarkupTooComplex", ()):  # () for a markup.py without it
            refused = True
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall * 1000, cpu * 1000, refused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", help="run only inputs whose name contains this")
    args = parser.parse_args()

    rows = []
    print(f"{'input':<42} {'chars':>6} {'ms':>9} {'cpu ms':>9}")
    for name, text in corpus().items():
        if args.only and args.only not in name:
            continue
        ms, cpu_ms, refused = render_ms(text, args.repeat)
        rows.append((cpu_ms, ms, name))
        outcome = "  refused" if refused else ""
        print(f"{name:<42} {len(text):>6} {ms:9.1f} {cpu_ms:9.1f}{outcome}", flush=True)
    print("\nslowest (by CPU time, which other processes on the machine disturb least):")
    for cpu_ms, ms, name in sorted(rows, reverse=True)[:5]:
        print(f"  {name:<40} {ms:9.1f} ms {cpu_ms:9.1f} cpu ms")


if __name__ == "__main__":
    main()
