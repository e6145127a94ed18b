/**
 * Fetches the large benchmark data into `bench/data/` (git-ignored).
 *
 * Usage: `deno run -A bench/fetch_data.ts`
 *
 * Source: the npm package `vega-datasets@3.2.1` (fetched with `npm pack`, so npm verifies
 * the tarball's integrity against the registry). It ships `data/flights-3m.parquet`
 * (3,000,000 rows: date, delay, distance, origin, destination; U.S. Bureau of Transportation
 * Statistics on-time data for 2001-01-01 .. 2001-07-01) and `data/flights-200k.arrow`
 * (200,000 rows: delay, distance, time). Per the package's `datapackage.json` both come from
 * BTS, collected under 14 CFR Part 234; licence "other-open", terms not explicitly specified.
 * That is why they are downloaded on demand and never committed.
 *
 * Produces:
 * - `bench/data/flights-3m.csv`: flights-3m.parquet converted to CSV (with header) by DuckDB.
 *   The plain conversion is about 105.8 MB, which is already over the 100 MiB floor, so no
 *   rows are duplicated. If a conversion ever comes out smaller, the script rewrites it with
 *   every row repeated k times (a cross join with `range(k)`) until it is at least 100 MiB,
 *   and says so in its output.
 * - `bench/data/flights-200k.arrow`: copied verbatim from the package.
 * - With `ensureScaledFlights()` / `ensureLargeParquet()` (run by this script, used by
 *   `bench/scale.ts`): `flights-{300k,1m,10m,30m}.{csv,parquet}` and
 *   `flights-20m-uncompressed.parquet`, the real rows cut or repeated (30M rows of CSV ≈ 1.06 GB).
 *
 * Also keeps `bench/data/vega-datasets-3.2.1.tgz` and its extracted copy under
 * `bench/data/vega-datasets-3.2.1/` as a cache.
 *
 * Idempotent: each step is skipped when its output already exists. Outputs are written to a
 * `*.tmp` file and renamed, so an interrupted run never leaves a truncated CSV behind.
 *
 * Other code can call `ensureBenchData()`, which returns absolute paths to the outputs.
 */

import { DuckDBInstance } from "@duckdb/node-api";

const PACKAGE = "vega-datasets";
const VERSION = "3.2.1";
/** The CSV must be at least this big (100 MiB) to be a meaningful benchmark input. */
const MIN_CSV_BYTES = 100 * 1024 * 1024;
/** Rows in flights-3m.parquet, per the package's datapackage.json. */
const EXPECTED_FLIGHT_ROWS = 3_000_000;

const DATA_DIR = decodeURIComponent(new URL("./data/", import.meta.url).pathname).replace(
  /^\/([A-Za-z]:)/,
  "$1",
);
const TARBALL = `${DATA_DIR}${PACKAGE}-${VERSION}.tgz`;
const EXTRACT_DIR = `${DATA_DIR}${PACKAGE}-${VERSION}`;
const PKG_DATA = `${EXTRACT_DIR}/package/data`;
const FLIGHTS_CSV = `${DATA_DIR}flights-3m.csv`;
const FLIGHTS_ARROW = `${DATA_DIR}flights-200k.arrow`;

function log(message: string): void {
  console.log(`[fetch_data] ${message}`);
}

function mb(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

async function fileSize(path: string): Promise<number | null> {
  try {
    const info = await Deno.stat(path);
    return info.isFile ? info.size : null;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

async function run(cmd: string, args: string[], cwd: string): Promise<string> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const decoder = new TextDecoder();
  if (!out.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed (exit ${out.code}):\n${decoder.decode(out.stderr)}`,
    );
  }
  return decoder.decode(out.stdout);
}

/** Single-quoted SQL string literal. */
function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Downloads and extracts the vega-datasets tarball unless already done. */
async function ensurePackage(): Promise<void> {
  if ((await fileSize(`${PKG_DATA}/flights-3m.parquet`)) !== null) {
    log(`${PACKAGE}@${VERSION} already extracted in ${EXTRACT_DIR}, skipping download`);
    return;
  }
  if ((await fileSize(TARBALL)) === null) {
    log(`npm pack ${PACKAGE}@${VERSION} ...`);
    const npm = Deno.build.os === "windows" ? "npm.cmd" : "npm";
    const stdout = await run(npm, ["pack", `${PACKAGE}@${VERSION}`], DATA_DIR);
    const name = stdout.trim().split("\n").at(-1)?.trim();
    if (name !== `${PACKAGE}-${VERSION}.tgz`) {
      throw new Error(`unexpected npm pack output: ${stdout}`);
    }
    log(`downloaded ${TARBALL} (${mb((await fileSize(TARBALL)) ?? 0)})`);
  } else {
    log(`${TARBALL} already present, skipping npm pack`);
  }
  await Deno.remove(EXTRACT_DIR, { recursive: true }).catch(() => {});
  await Deno.mkdir(EXTRACT_DIR, { recursive: true });
  await run("tar", ["-xzf", TARBALL, "-C", EXTRACT_DIR], DATA_DIR);
  log(`extracted to ${EXTRACT_DIR}`);
}

/** Converts flights-3m.parquet to CSV, replicating rows if needed to reach MIN_CSV_BYTES. */
async function buildFlightsCsv(): Promise<void> {
  const parquet = `${PKG_DATA}/flights-3m.parquet`;
  const tmp = `${FLIGHTS_CSV}.tmp`;
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  try {
    const countReader = await conn.runAndReadAll(
      `SELECT count(*) AS n FROM read_parquet(${sqlString(parquet)})`,
    );
    const rows = Number(countReader.getRowObjects()[0]?.["n"]);
    if (rows !== EXPECTED_FLIGHT_ROWS) {
      throw new Error(`${parquet} has ${rows} rows, expected ${EXPECTED_FLIGHT_ROWS}`);
    }
    log(`converting ${parquet} (${rows} rows) to CSV ...`);
    await conn.run(
      `COPY (SELECT * FROM read_parquet(${sqlString(parquet)})) TO ${sqlString(tmp)} ` +
        `(FORMAT csv, HEADER)`,
    );
    let size = (await fileSize(tmp)) ?? 0;
    if (size < MIN_CSV_BYTES) {
      // The plain conversion is too small for a benchmark: cross join with range(k) so the
      // file holds k copies of every row (row order not guaranteed) and crosses the floor.
      const copies = Math.ceil(MIN_CSV_BYTES / Math.max(size, 1));
      log(`plain CSV is only ${mb(size)}; replicating rows x${copies} to reach the size floor`);
      await conn.run(
        `COPY (SELECT f.* FROM read_parquet(${sqlString(parquet)}) AS f, range(${copies})) ` +
          `TO ${sqlString(tmp)} (FORMAT csv, HEADER)`,
      );
      size = (await fileSize(tmp)) ?? 0;
    }
    await Deno.rename(tmp, FLIGHTS_CSV);
    log(`wrote ${FLIGHTS_CSV} (${mb(size)})`);
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/**
 * Ensures the benchmark data exists in `bench/data/`, downloading and converting only what
 * is missing. Returns absolute paths; `flightsArrow` is null if the package has no Arrow file.
 */
export async function ensureBenchData(): Promise<
  { flightsCsv: string; flightsArrow: string | null }
> {
  await Deno.mkdir(DATA_DIR, { recursive: true });

  const csvSize = await fileSize(FLIGHTS_CSV);
  const haveCsv = csvSize !== null && csvSize >= MIN_CSV_BYTES;
  const haveArrow = (await fileSize(FLIGHTS_ARROW)) !== null;

  if (haveCsv) log(`${FLIGHTS_CSV} exists (${mb(csvSize)}), skipping`);
  if (haveArrow) log(`${FLIGHTS_ARROW} exists, skipping`);

  let arrowAvailable = haveArrow;
  if (!haveCsv || !haveArrow) {
    await ensurePackage();
    if (!haveCsv) await buildFlightsCsv();
    if (!haveArrow) {
      const src = `${PKG_DATA}/flights-200k.arrow`;
      if ((await fileSize(src)) !== null) {
        await Deno.copyFile(src, `${FLIGHTS_ARROW}.tmp`);
        await Deno.rename(`${FLIGHTS_ARROW}.tmp`, FLIGHTS_ARROW);
        log(`copied ${FLIGHTS_ARROW} (${mb((await fileSize(FLIGHTS_ARROW)) ?? 0)})`);
        arrowAvailable = true;
      } else {
        log(`${PACKAGE}@${VERSION} has no flights-200k.arrow; flightsArrow = null`);
      }
    }
  }

  return { flightsCsv: FLIGHTS_CSV, flightsArrow: arrowAvailable ? FLIGHTS_ARROW : null };
}

/** Row counts of the scaled flights files that {@link ensureScaledFlights} writes. */
export const SCALED_FLIGHT_ROWS = [300_000, 1_000_000, 3_000_000, 10_000_000, 30_000_000] as const;

/** One scaled input: the same flights rows as CSV (with header) and as Parquet. */
export interface ScaledFlights {
  /** Rows in each file. */
  readonly rows: number;
  readonly csv: string;
  readonly parquet: string;
  /** Bytes of the CSV file. */
  readonly csvBytes: number;
  /** Bytes of the Parquet file. */
  readonly parquetBytes: number;
}

/** `300k`, `1m`, `30m`: the size label used in file names and benchmark rows. */
export function rowsLabel(rows: number): string {
  return rows >= 1_000_000 ? `${rows / 1_000_000}m` : `${rows / 1_000}k`;
}

/**
 * Ensures `bench/data/flights-<label>.csv` and `.parquet` exist for every row count in
 * {@link SCALED_FLIGHT_ROWS}: the first N rows of flights-3m.parquet below 3M rows, and above it
 * the 3M rows repeated (a cross join with `range(k)`, cut to N rows, so values and their
 * distribution stay the real ones; row order is DuckDB's). The 3M CSV is the existing
 * `flights-3m.csv`; the 3M Parquet is the package's own file. Each file is written to `*.tmp`
 * and renamed. The 30M CSV is about 1.06 GB.
 *
 * @returns one entry per row count, smallest first, with absolute paths and sizes in bytes.
 */
export async function ensureScaledFlights(): Promise<ScaledFlights[]> {
  await ensureBenchData();
  const parquet = `${PKG_DATA}/flights-3m.parquet`;
  const out: ScaledFlights[] = [];
  let db: DuckDBInstance | null = null;
  try {
    for (const rows of SCALED_FLIGHT_ROWS) {
      const label = rowsLabel(rows);
      const csv = rows === EXPECTED_FLIGHT_ROWS ? FLIGHTS_CSV : `${DATA_DIR}flights-${label}.csv`;
      const pq = rows === EXPECTED_FLIGHT_ROWS ? parquet : `${DATA_DIR}flights-${label}.parquet`;
      for (const [path, options] of [[csv, "FORMAT csv, HEADER"], [pq, "FORMAT parquet"]]) {
        if ((await fileSize(path!)) !== null) continue;
        db ??= await DuckDBInstance.create(":memory:");
        const conn = await db.connect();
        try {
          const copies = Math.ceil(rows / EXPECTED_FLIGHT_ROWS);
          log(`writing ${path} (${rows} rows) ...`);
          await conn.run(
            `COPY (SELECT f.* FROM read_parquet(${sqlString(parquet)}) AS f, range(${copies}) ` +
              `LIMIT ${rows}) TO ${sqlString(`${path}.tmp`)} (${options})`,
          );
          await Deno.rename(`${path}.tmp`, path!);
          log(`wrote ${path} (${mb((await fileSize(path!)) ?? 0)})`);
        } finally {
          conn.closeSync();
        }
      }
      out.push({
        rows,
        csv,
        parquet: pq,
        csvBytes: (await fileSize(csv)) ?? 0,
        parquetBytes: (await fileSize(pq)) ?? 0,
      });
    }
  } finally {
    db?.closeSync();
  }
  return out;
}

/** Rows in {@link ensureLargeParquet}'s file: 20M uncompressed flights rows are about 100 MB. */
const LARGE_PARQUET_ROWS = 20_000_000;

/**
 * Ensures `bench/data/flights-20m-uncompressed.parquet`: 20M flights rows (the 3M repeated, as in
 * {@link ensureScaledFlights}) written with `COMPRESSION uncompressed`, about 100 MB. The seeds'
 * "Parquet 100MB" target needs a file of that size; compressed, even 30M repeated rows take only
 * 35 MB.
 *
 * @returns the absolute path and its size in bytes.
 */
export async function ensureLargeParquet(): Promise<{ path: string; bytes: number }> {
  await ensureBenchData();
  const path = `${DATA_DIR}flights-20m-uncompressed.parquet`;
  if ((await fileSize(path)) === null) {
    const parquet = `${PKG_DATA}/flights-3m.parquet`;
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    try {
      log(`writing ${path} (${LARGE_PARQUET_ROWS} rows, uncompressed) ...`);
      await conn.run(
        `COPY (SELECT f.* FROM read_parquet(${sqlString(parquet)}) AS f, ` +
          `range(${
            Math.ceil(LARGE_PARQUET_ROWS / EXPECTED_FLIGHT_ROWS)
          }) LIMIT ${LARGE_PARQUET_ROWS}) ` +
          `TO ${sqlString(`${path}.tmp`)} (FORMAT parquet, COMPRESSION uncompressed)`,
      );
      await Deno.rename(`${path}.tmp`, path);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  }
  const bytes = (await fileSize(path)) ?? 0;
  log(`${path}: ${mb(bytes)}`);
  return { path, bytes };
}

if (import.meta.main) {
  const result = await ensureBenchData();
  const scaled = await ensureScaledFlights();
  const largeParquet = await ensureLargeParquet();
  console.log(JSON.stringify({ ...result, scaled, largeParquet }, null, 2));
}
