/**
 * The DuckDB CLI's output modes in Noctra — `insert`, `quote`, `html`, `latex`, `column`,
 * `asciitable` (DuckDB's `.mode table`), `box`, `tcl`, `ascii`, `trash` — through the real CLI
 * (`--format X`), and the settings of the dot-commands (`.separator`, `.width`,
 * `.thousand_sep`/`.decimal_sep`, `.mode insert TABLE`, `.headers`, `.nullvalue`) through
 * `ResultPrinter`.
 *
 * Every expected text below was compared by hand with the DuckDB CLI 1.5.5 (`.mode X`, same
 * query, same settings): byte for byte the same, except `ascii`, where Noctra writes the 0x1F
 * and 0x1E separators DuckDB's help promises (see `src/render/list.ts`), and `csv` with
 * `.separator`, which keeps Noctra's CSV quoting and empty NULL. The tests do not need that CLI.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { Noctra } from "../src/noctra.ts";
import { type OutputSettings, ResultPrinter } from "../src/cli/output.ts";
import { DuckDBSource } from "../src/engine/sources/duckdb_source.ts";
import type { ColumnInfo, ResultChunk, RowsResult } from "../src/engine/result.ts";
import { SIZING_ROWS } from "../src/render/columns.ts";
import { renderResult } from "../src/render/renderer.ts";
import { StringSink } from "../src/render/sink.ts";
import { DUCKDB_KEYWORDS } from "../src/render/sql_keywords.ts";
import { runNoctra } from "./_cli.ts";

/** Three penguins (fixtures/penguins.parquet): names with spaces, doubles, NULLs. */
const PENGUINS = `SELECT "Species", "Island", "Beak Length (mm)", "Body Mass (g)", "Sex" ` +
  `FROM 'fixtures/penguins.parquet' WHERE "Sex" IS NULL OR "Body Mass (g)" > 6000 ORDER BY ALL LIMIT 3`;

/** One row of awkward values: a quote, NULL, a double, a decimal, a date, markup, a line break, unicode, a blob, a list. */
const VALUES =
  "SELECT 1 AS id, 'it''s' AS txt, NULL AS n, 2.5::DOUBLE AS dbl, 1.50::DECIMAL(5,2) AS dec, " +
  `DATE '2024-02-29' AS d, 'a"b<&>' AS sym, 'l1' || chr(10) || 'l2' AS nl, 'é😀' AS uni, ` +
  "'\\xAB\\x00'::BLOB AS bl, [1, NULL]::INT[] AS l, true AS b";

async function cli(format: string, sql: string): Promise<string> {
  const run = await runNoctra(["--format", format, "-c", sql]);
  deepStrictEqual({ code: run.code, stderr: run.stderr }, { code: 0, stderr: "" });
  return run.stdout;
}

const lines = (...rows: string[]) => rows.join("\n") + "\n";

Deno.test("--format insert: one INSERT per row, names quoted as DuckDB quotes them", async () => {
  strictEqual(
    await cli("insert", VALUES),
    `INSERT INTO "table"(id,txt,n,dbl,"dec",d,sym,nl,uni,bl,l,b) VALUES(1,'it''s',NULL,2.5,1.50,` +
      `'2024-02-29','a"b<&>',concat('l1', chr(10), 'l2'),'é😀','\\xAB\\x00','[1, NULL]','true');\n`,
  );
  strictEqual(
    await cli("insert", PENGUINS.replace("LIMIT 3", "LIMIT 1")),
    `INSERT INTO "table"(Species,Island,"Beak Length (mm)","Body Mass (g)",Sex) ` +
      `VALUES('Adelie','Dream',37.5,2975,NULL);\n`,
  );
});

Deno.test("--format quote: SQL literals, numbers and booleans bare", async () => {
  strictEqual(
    await cli("quote", VALUES),
    lines(
      "'id','txt','n','dbl','dec','d','sym','nl','uni','bl','l','b'",
      `1,'it''s',NULL,2.5,1.50,'2024-02-29','a"b<&>','l1`,
      `l2','é😀','\\xAB\\x00','[1, NULL]',true`,
    ),
  );
});

Deno.test("--format html: table rows, markup escaped", async () => {
  strictEqual(
    await cli("html", "SELECT 'it''s' AS \"<q>\", NULL AS n, 'a\"b&c' AS s"),
    lines(
      "<tr><th>&lt;q&gt;</th>",
      "<th>n</th>",
      "<th>s</th>",
      "</tr>",
      "<tr><td>it&#39;s</td>",
      "<td>NULL</td>",
      "<td>a&quot;b&amp;c</td>",
      "</tr>",
    ),
  );
});

Deno.test("--format tcl: C string literals over the UTF-8 bytes", async () => {
  strictEqual(
    await cli("tcl", VALUES),
    lines(
      `"id" "txt" "n" "dbl" "dec" "d" "sym" "nl" "uni" "bl" "l" "b"`,
      `"1" "it's" "NULL" "2.5" "1.50" "2024-02-29" "a\\"b<&>" "l1\\nl2" ` +
        `"\\303\\251\\360\\237\\230\\200" "\\\\xAB\\\\x00" "[1, NULL]" "true"`,
    ),
  );
});

Deno.test("--format column: padded columns under a line of dashes", async () => {
  strictEqual(
    await cli("column", PENGUINS),
    lines(
      "Species  Island     Beak Length (mm)  Body Mass (g)  Sex ",
      "-------  ---------  ----------------  -------------  ----",
      "Adelie   Dream      37.5              2975           NULL",
      "Adelie   Torgersen  34.1              3475           NULL",
      "Adelie   Torgersen  37.8              3300           NULL",
    ),
  );
  // Widths are DuckDB's: emoji take two columns, a line break is written as it is.
  strictEqual(
    await cli("column", VALUES),
    lines(
      "id  txt   n     dbl  dec   d           sym     nl  uni  bl        l          b   ",
      "--  ----  ----  ---  ----  ----------  ------  --  ---  --------  ---------  ----",
      `1   it's  NULL  2.5  1.50  2024-02-29  a"b<&>  l1`,
      "l2  é😀  \\xAB\\x00  [1, NULL]  true",
    ),
  );
});

Deno.test("--format asciitable: DuckDB's .mode table, names centred", async () => {
  const rule = "+---------+-----------+------------------+---------------+------+";
  strictEqual(
    await cli("asciitable", PENGUINS),
    lines(
      rule,
      "| Species |  Island   | Beak Length (mm) | Body Mass (g) | Sex  |",
      rule,
      "| Adelie  | Dream     | 37.5             | 2975          | NULL |",
      "| Adelie  | Torgersen | 34.1             | 3475          | NULL |",
      "| Adelie  | Torgersen | 37.8             | 3300          | NULL |",
      rule,
    ),
  );
});

Deno.test("--format box: Unicode grid, a line break shown as \\n", async () => {
  strictEqual(
    await cli("box", VALUES),
    lines(
      "┌────┬──────┬──────┬─────┬──────┬────────────┬────────┬────────┬─────┬──────────┬───────────┬──────┐",
      "│ id │ txt  │  n   │ dbl │ dec  │     d      │  sym   │   nl   │ uni │    bl    │     l     │  b   │",
      "├────┼──────┼──────┼─────┼──────┼────────────┼────────┼────────┼─────┼──────────┼───────────┼──────┤",
      `│ 1  │ it's │ NULL │ 2.5 │ 1.50 │ 2024-02-29 │ a"b<&> │ l1\\nl2 │ é😀 │ \\xAB\\x00 │ [1, NULL] │ true │`,
      "└────┴──────┴──────┴─────┴──────┴────────────┴────────┴────────┴─────┴──────────┴───────────┴──────┘",
    ),
  );
});

Deno.test("--format latex: a tabular, integers and doubles right-aligned in the spec", async () => {
  strictEqual(
    await cli("latex", PENGUINS),
    lines(
      "\\begin{tabular}{|llrrl|}",
      "\\hline",
      "Species &  Island   & Beak Length (mm) & Body Mass (g) & Sex  \\\\",
      "\\hline",
      "Adelie  & Dream     & 37.5             & 2975          & NULL \\\\",
      "Adelie  & Torgersen & 34.1             & 3475          & NULL \\\\",
      "Adelie  & Torgersen & 37.8             & 3300          & NULL \\\\",
      "\\hline",
      "\\end{tabular}",
    ),
  );
});

Deno.test("--format ascii: unit and record separators (0x1F, 0x1E)", async () => {
  strictEqual(
    await cli("ascii", "SELECT 1 AS a, NULL AS b UNION ALL SELECT 2, 'x|y'"),
    "a\x1fb\x1e1\x1fNULL\x1e2\x1fx|y\x1e",
  );
});

Deno.test("--format trash: no output, but the statement runs to its last row", async () => {
  strictEqual(await cli("trash", "SELECT * FROM range(300000)"), "");
  const failing = await runNoctra([
    "--format",
    "trash",
    "-c",
    "SELECT CASE WHEN range = 299999 THEN error('boom on the last row') ELSE range END " +
    "FROM range(300000)",
  ]);
  strictEqual(failing.code, 1);
  strictEqual(failing.stdout, "");
  ok(failing.stderr.includes("boom on the last row"), failing.stderr);
});

/** A session whose printer writes to a string; `print` runs SQL and returns what it wrote. */
async function withPrinter(
  settings: Partial<OutputSettings>,
  test: (print: (sql: string) => Promise<string>, printer: ResultPrinter) => Promise<void>,
): Promise<void> {
  const noctra = await Noctra.open({ registryPath: false });
  const sink = new StringSink();
  const printer = new ResultPrinter(sink, {
    format: "table",
    maxRows: 40,
    timer: false,
    ...settings,
  }, false);
  try {
    await test(async (sql) => {
      const before = sink.text.length;
      await printer.print(await noctra.execute(sql), true);
      return sink.text.slice(before);
    }, printer);
  } finally {
    noctra.close();
  }
}

const SMALL = "SELECT 1 AS a, 'x,y' AS b, NULL AS c UNION ALL SELECT 2, 'z', 3 ORDER BY a";

Deno.test(".separator COL ROW: list, quote, tcl and line as DuckDB; csv and tsv by Noctra", async () => {
  const expected: Record<string, string> = {
    list: "a;b;c#1;x,y;NULL#2;z;3#",
    quote: "'a';'b';'c'#1;'x,y';NULL#2;'z';3#",
    tcl: `"a";"b";"c"#"1";"x,y";"NULL"#"2";"z";"3"#`,
    line: "    a = 1#    b = x,y#    c = NULL##    a = 2#    b = z#    c = 3#",
    // Noctra's CSV keeps its quoting ('#' is quoted, as DuckDB's COPY does) and empty NULL.
    csv: "a;b;c#1;x,y;#2;z;3#",
    tsv: "a;b;c#1;x,y;#2;z;3#",
    // ascii too (DuckDB's ignores .separator, SQLite's and Noctra's do not).
    ascii: "a;b;c#1;x,y;NULL#2;z;3#",
    // Formats DuckDB does not apply .separator to ignore it.
    html: "<tr><th>a</th>\n<th>b</th>\n<th>c</th>\n</tr>\n<tr><td>1</td>\n<td>x,y</td>\n" +
      "<td>NULL</td>\n</tr>\n<tr><td>2</td>\n<td>z</td>\n<td>3</td>\n</tr>\n",
    insert: `INSERT INTO "table"(a,b,c) VALUES(1,'x,y',NULL);\n` +
      `INSERT INTO "table"(a,b,c) VALUES(2,'z',3);\n`,
  };
  await withPrinter({ columnSeparator: ";", rowSeparator: "#" }, async (print, printer) => {
    for (const [format, text] of Object.entries(expected)) {
      printer.settings.format = format as OutputSettings["format"];
      strictEqual(await print(SMALL), text, format);
    }
  });
});

Deno.test("the engine writes csv/tsv itself only without .separator; json does not mind it", () => {
  const settings: OutputSettings = { format: "csv", maxRows: 40, timer: false };
  const printer = new ResultPrinter(new StringSink(), settings, false);
  strictEqual(printer.mayCopy(), true);
  settings.columnSeparator = ";";
  strictEqual(printer.mayCopy(), false);
  settings.format = "tsv";
  strictEqual(printer.mayCopy(), false);
  settings.format = "json";
  strictEqual(printer.mayCopy(), true);
  settings.format = "csv";
  delete settings.columnSeparator;
  settings.rowSeparator = "\r\n";
  strictEqual(printer.mayCopy(), false);
  settings.format = "insert";
  delete settings.rowSeparator;
  strictEqual(printer.mayCopy(), false);
});

Deno.test(".width 5 -6: least widths of column, asciitable, box and latex; negative right-aligns", async () => {
  const expected: Record<string, string> = {
    column: lines("a           b  c", "-----  ------  -", "1          xy  3"),
    asciitable: lines(
      "+-------+--------+---+",
      "|   a   |   b    | c |",
      "+-------+--------+---+",
      "| 1     |     xy | 3 |",
      "+-------+--------+---+",
    ),
    box: lines(
      "┌───────┬────────┬───┐",
      "│   a   │   b    │ c │",
      "├───────┼────────┼───┤",
      "│ 1     │     xy │ 3 │",
      "└───────┴────────┴───┘",
    ),
    latex: lines(
      "\\begin{tabular}{|rlr|}",
      "\\hline",
      "  a   &   b    & c \\\\",
      "\\hline",
      "1     &     xy & 3 \\\\",
      "\\hline",
      "\\end{tabular}",
    ),
    list: "a|b|c\n1|xy|3\n",
  };
  await withPrinter({ columnWidths: [5, -6] }, async (print, printer) => {
    for (const [format, text] of Object.entries(expected)) {
      printer.settings.format = format as OutputSettings["format"];
      strictEqual(await print("SELECT 1 AS a, 'xy' AS b, 3 AS c"), text, format);
    }
  });
});

Deno.test(".headers off and .nullvalue in the new modes, as DuckDB", async () => {
  const expected: Record<string, string> = {
    insert: `INSERT INTO "table" VALUES(1,NULL);\n`,
    quote: "1,NULL\n",
    html: "<tr><td>1</td>\n<td>&lt;N&gt;</td>\n</tr>\n",
    tcl: `"1" "<N>"\n`,
    column: "1  <N>\n",
    asciitable: lines("+---+-----+", "| a |  b  |", "+---+-----+", "| 1 | <N> |", "+---+-----+"),
    latex: lines(
      "\\begin{tabular}{|rr|}",
      "\\hline",
      "a &  b  \\\\",
      "\\hline",
      "1 & <N> \\\\",
      "\\hline",
      "\\end{tabular}",
    ),
  };
  await withPrinter({ headers: false, nullValue: "<N>" }, async (print, printer) => {
    for (const [format, text] of Object.entries(expected)) {
      printer.settings.format = format as OutputSettings["format"];
      strictEqual(await print("SELECT 1 AS a, NULL AS b"), text, format);
    }
  });
});

Deno.test(".mode insert TABLE: the table is quoted when DuckDB would; .headers off drops the columns", async () => {
  await withPrinter({ format: "insert", insertTable: "select" }, async (print, printer) => {
    strictEqual(
      await print(`SELECT 1 AS "select", 2 AS Mixed, 3 AS "with space", 4 AS "é", 5 AS _x1`),
      `INSERT INTO "select"("select",Mixed,"with space","é",_x1) VALUES(1,2,3,4,5);\n`,
    );
    printer.settings.insertTable = "t";
    printer.settings.headers = false;
    strictEqual(await print("SELECT 1 AS a"), "INSERT INTO t VALUES(1);\n");
  });
});

Deno.test(".thousand_sep . and .decimal_sep , in the table: numbers as DuckDB's duckbox writes them", async () => {
  // The numbers are DuckDB's (`1.234.567`, `-1234,5`, `1.234.567,891`, `1e+20`, `0,000123`);
  // the frame around them is Noctra's table, not byte-identical to duckbox by design.
  await withPrinter({ thousandSeparator: ".", decimalSeparator: "," }, async (print, printer) => {
    // DuckDB groups the leading digits only: a negative number or 1e+20 stays ungrouped.
    strictEqual(
      await print(
        "SELECT 1234567 AS i, -1234.5::DOUBLE AS d, 1234567.891::DECIMAL(12,3) AS e, " +
          "1e20::DOUBLE AS big, 0.000123::DOUBLE AS small, 'x1234' AS s",
      ),
      lines(
        "┌───────────┬─────────┬───────────────┬────────┬──────────┬─────────┐",
        "│ i         │ d       │ e             │ big    │ small    │ s       │",
        "│ integer   │ double  │ decimal(12,3) │ double │ double   │ varchar │",
        "├───────────┼─────────┼───────────────┼────────┼──────────┼─────────┤",
        "│ 1.234.567 │ -1234,5 │ 1.234.567,891 │  1e+20 │ 0,000123 │ x1234   │",
        "├───────────┴─────────┴───────────────┴────────┴──────────┴─────────┤",
        "│ 1 row  6 columns                                                  │",
        "└───────────────────────────────────────────────────────────────────┘",
      ),
    );
    // The footer's counts take the thousands separator too ("1.500 rows" in DuckDB's footer).
    printer.settings.maxRows = 2;
    strictEqual(
      await print("SELECT range * 1000 + 0.5 AS x FROM range(1500)"),
      lines(
        "┌───────────────┐",
        "│ x             │",
        "│ decimal(21,1) │",
        "├───────────────┤",
        "│           0,5 │",
        "│       1.000,5 │",
        "└───────────────┘",
        "1.500 rows (2 shown)  1 column",
      ),
    );
  });
});

Deno.test("cell text follows DuckDB's VARCHAR cast: doubles, floats, blobs, nested quoting", async () => {
  const source = await DuckDBSource.open();
  try {
    const result = await source.stream(
      "SELECT 1e20::DOUBLE AS big, 0.00001::DOUBLE AS small, -0.0::DOUBLE AS nz, 0.3::FLOAT AS f, " +
        "2171002.25::FLOAT AS tie, 44903632::FLOAT AS edge, 'nan'::DOUBLE AS nan, " +
        "'\\x22\\x27\\x5C\\x00A'::BLOB AS bl, [0.3::FLOAT, NULL] AS lf, " +
        "['a b', ' x', '', 'null', 'it''s', 'a\\b'] AS ls, " +
        "{'k': 'v w', 'n': [1.5, 1e20]::DOUBLE[]} AS st, MAP {'a=b': TIME '01:02:03'} AS m, " +
        "[TIMESTAMP '2024-01-02 03:04:05'] AS lt",
    );
    if (result.kind !== "rows") throw new Error("expected rows");
    const sink = new StringSink();
    await renderResult(result, "list", sink, { maxRows: 0, color: false });
    strictEqual(
      sink.text,
      lines(
        "big|small|nz|f|tie|edge|nan|bl|lf|ls|st|m|lt",
        "1e+20|1e-05|-0.0|0.3|2171002.25|44903632.0|nan|\\x22\\x27\\x5C\\x00A|[0.3, NULL]|" +
          "[a b, ' x', '', 'null', 'it\\'s', a\\b]|{'k': v w, 'n': [1.5, 1e+20]}|" +
          "{'a=b'='01:02:03'}|['2024-01-02 03:04:05']",
      ),
    );
  } finally {
    source.close();
  }
});

Deno.test("the keywords insert quotes are the embedded DuckDB's duckdb_keywords()", async () => {
  const source = await DuckDBSource.open();
  try {
    const engine = await source.keywords();
    deepStrictEqual(
      [...DUCKDB_KEYWORDS].map((word) => word.toUpperCase()).sort(),
      [...engine].sort(),
    );
  } finally {
    source.close();
  }
});

/** `count` chunks of 2,048 rows of one BIGINT column; `pulled` counts the chunks handed out. */
function countingResult(count: number): { result: RowsResult; pulled: () => number } {
  let pulled = 0;
  const column: ColumnInfo = { name: "i", type: "BIGINT", kind: "integer" };
  const result: RowsResult = {
    kind: "rows",
    columns: [column],
    async *chunks(): AsyncGenerator<ResultChunk> {
      for (let index = 0; index < count; index++) {
        pulled++;
        yield { rowCount: 2048, columns: [{ getItem: (row) => BigInt(index * 2048 + row) }] };
      }
    },
  };
  return { result, pulled: () => pulled };
}

Deno.test("every mode streams: output is written before the last chunk is read", async () => {
  const chunks = Math.ceil(SIZING_ROWS / 2048) + 3;
  for (
    const format of [
      "insert",
      "quote",
      "html",
      "tcl",
      "ascii",
      "column",
      "asciitable",
      "box",
      "latex",
    ] as const
  ) {
    const { result, pulled } = countingResult(chunks);
    let pulledAtFirstWrite: number | undefined;
    const sink = new StringSink();
    const write = sink.write.bind(sink);
    sink.write = (text: string) => {
      pulledAtFirstWrite ??= pulled();
      return write(text);
    };
    const summary = await renderResult(result, format, sink, { maxRows: 0, color: false });
    strictEqual(summary.rows, chunks * 2048, format);
    ok(pulledAtFirstWrite !== undefined && pulledAtFirstWrite < chunks, format);
  }
});
