"""The language matrix (issue 25, item 1): TypeScript as students write it in this lecture, split across cells, run
through the kernel protocol. Each row is (name, cells, expected): every cell but the last must answer ok; the last
one's stdout must equal `expected` (or, for a row that cannot work, its `error` must carry the Japanese line that says
what to write instead). docs/kernel.md lists the rows and their results. Run by test/kernel/protocol.py.
"""

ROWS = [
    ("shorthand property of an earlier cell's variable",
     ["const aa = 1;", "console.log(JSON.stringify({ aa }));"], '{"aa":1}\n'),
    ("shorthand in an answer object and in a destructuring assignment with a default",
     ["const pred = [1, 2];\nlet target = [0];", "const ans = { pred, target };\n({ target = [9] } = {} as { target?: number[] });\nconsole.log(JSON.stringify([ans, target]));"],
     '[{"pred":[1,2],"target":[0]},[9]]\n'),
    ("methods (this, shorthand method) used in a later cell",
     ["const acc = { n: 2, twice() { return this.n * 2; } };", "console.log(acc.twice());"], "4\n"),
    ("object and array destructuring: renames, defaults, rest",
     ["const pt = { x: 1, y: 2, z: 3 };\nconst arr = [1, 2, 3, 4];",
      "const { x: px, w = 9, ...restPt } = pt as { x: number; y: number; z: number; w?: number };\nconst [a0, , ...restArr] = arr;\nconsole.log(JSON.stringify([px, w, restPt, a0, restArr]));"],
     '[1,9,{"y":2,"z":3},1,[3,4]]\n'),
    ("spread of an earlier cell's object and array",
     ["const base = { lr: 0.1, epochs: 3 };\nconst xs = [1, 2];", "console.log(JSON.stringify({ ...base, epochs: 5 }), JSON.stringify([...xs, 3]));"],
     '{"lr":0.1,"epochs":5} [1,2,3]\n'),
    ("a class extending an earlier cell's class (constructor parameter properties, super)",
     ['class Animal {\n  constructor(public name: string) {}\n  speak() { return this.name + "!"; }\n}',
      'class Dog extends Animal {\n  speak() { return "ワン " + super.speak(); }\n}\nconsole.log(new Dog("ポチ").speak(), new Dog("ポチ") instanceof Animal);'],
     "ワン ポチ! true\n"),
    ("a class extending lecture3's nn.Module, used in the next cell",
     ['import { nn, tf } from "lecture3";\nclass Tiny extends nn.Module {\n  fc = new nn.Linear(2, 1);\n  forward(x: tf.Tensor) { return this.fc.forward(x); }\n}',
      "const tiny = new Tiny();\nconsole.log(tiny.parameters().length, tiny.forward(tf.zeros([3, 2])).shape.join(\"x\"));"],
     "2 3x1\n"),
    ("functions, generics, type aliases, interfaces and enums declared in one cell, used in another",
     ["function first<T>(xs: T[]): T { return xs[0]; }\ntype Pair = [number, number];\ninterface Named { name: string }\nenum Color { Red, Green }",
      'const pr: Pair = [1, 2];\nconst nm: Named = { name: "a" };\nconsole.log(first(["x"]), pr.length, nm.name, Color.Green, Color[1]);'],
     "x 2 a 1 Green\n"),
    ("re-running a cell that declares const",
     ["const cc = 1;", "const cc = 2;\nconsole.log(cc);"], "2\n"),
    ("top-level await",
     ["const later = (v: number) => new Promise<number>((r) => setTimeout(() => r(v), 5));", "const got = await later(7);\nconsole.log(got);"],
     "7\n"),
    ("top-level for await (alone in its cell)",
     ["async function* gen() { yield 1; yield 2; }", "let sum = 0;\nfor await (const g of gen()) sum += g;\nconsole.log(sum);"],
     "3\n"),
    ("closures over earlier cells' variables (let, updated later)",
     ["let count = 0;\nconst inc = () => ++count;", "inc(); inc();\nconsole.log(count);"], "2\n"),
    ("import type from lecture3",
     ['import type { ExperimentResult } from "lecture3";', 'const er: ExperimentResult | null = null;\nconsole.log(er ?? "型だけ");'],
     "型だけ\n"),
    ("an ESM-only npm package (color-string 2, \"type\": \"module\")",
     ['import colorString from "color-string";', 'console.log(JSON.stringify(colorString.get.rgb("#ff0000")));'],
     "[255,0,0,1]\n"),
    ("a JSON import",
     ['import pkgInfo from "lecture3/package.json";', "console.log(pkgInfo.name);"], "lecture3\n"),
    ("optional chaining and ??",
     ["const maybe: { a?: { b?: number } } = {};", 'console.log(maybe.a?.b ?? "なし", maybe?.a?.b?.toFixed(1));'],
     "なし undefined\n"),
    ("satisfies",
     ["const cfg = { lr: 0.1, name: \"sgd\" } satisfies Record<string, number | string>;", "console.log(cfg.lr * 2, cfg.name.toUpperCase());"],
     "0.2 SGD\n"),
    ("labelled tuples",
     ["type Span = [start: number, end: number];\nconst sp: Span = [1, 4];", "const [s0, s1]: Span = sp;\nconsole.log(s1 - s0);"], "3\n"),
]


def run_matrix(run, check, of, text):
    """Runs every row in the kernel behind `run` (fresh names per row); returns [(name, result)] for docs/kernel.md."""
    table = []
    for name, cells, expected in ROWS:
        problem = None
        for i, code in enumerate(cells):
            reply, msgs, _, _ = run(code)
            last = i == len(cells) - 1
            if reply["status"] != "ok":
                errs = of(msgs, "error")
                problem = f"cell {i + 1}: {errs[0]['evalue'] if errs else reply}"
                break
            if last and text(msgs) != expected:
                problem = f"cell {i + 1} printed {text(msgs)!r} + stderr {text(msgs, 'stderr')!r}, expected {expected!r}"
        check(f"matrix: {name}", problem is None, problem)
        table.append((name, "works" if problem is None else problem))
    # what the kernel compiles differs from the cell (`{ dd }` becomes `{ dd: dd }`): diagnostics still point at
    # the student's line and column
    run("const dd = 1;")
    reply, msgs, _, _ = run("const o3 = { dd }; const bad: string = dd;")
    errs = of(msgs, "error")
    check("matrix: a diagnostic after a shorthand property points at the column the student wrote (1:26)",
          reply["status"] == "error" and errs and errs[0]["evalue"].startswith("1:26 - 型が合いません"), errs)
    return table
