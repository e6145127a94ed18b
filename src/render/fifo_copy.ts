/**
 * The fast path for CSV/TSV: when a result can be written by its engine (`RowsResult.copyTo`,
 * DuckDB's `COPY … TO`), DuckDB writes into a named pipe (FIFO) in a private temporary directory
 * and Noctra pumps the bytes to the sink as they come. DuckDB's CSV writer runs in its own
 * threads and formats values natively, so no value becomes a JS object; memory stays at the
 * pipe's buffer. Where named pipes are not available (Windows) the caller renders chunks.
 *
 * @module
 */
import type { CopyFormat, RowsResult } from "../engine/result.ts";
import type { TextSink } from "./sink.ts";
import type { RenderSummary } from "./values.ts";

const PUMP_BYTES = 1 << 20;

/**
 * Writes `result` in `format` through a FIFO, or returns `null` when this path is not available
 * (no `copyTo`, `format` not in the result's `copyFormats`, or no named pipes on this system) so
 * the caller renders chunks instead. With `jsonArray`, `format` must be `jsonl` and the lines
 * become one JSON array as `src/render/json.ts` writes it (`[` … `,\n` between objects … `]\n`).
 * Throws the engine's error (the statement failed) or the sink's.
 */
export async function copyThroughFifo(
  result: RowsResult,
  format: CopyFormat,
  sink: TextSink,
  options: { readonly jsonArray?: boolean } = {},
): Promise<RenderSummary | null> {
  if (result.copyTo === undefined || Deno.build.os === "windows") return null;
  if (!(result.copyFormats ?? ["csv", "tsv"]).includes(format)) return null;
  const fifo = await sessionFifo();
  if (fifo === null) return null; // no mkfifo (or no permission to run it): render chunks
  const release = await takeFifo();
  try {
    const copy = result.copyTo(fifo, format);
    let readerOpened = false;
    // If DuckDB fails before it opens the pipe, the reader's open would wait forever: open the
    // write end ourselves so the reader sees end-of-file.
    let unblocking: Promise<void> | undefined;
    let unblocked = false;
    copy.catch(() => {
      if (readerOpened) return;
      unblocking = Deno.open(fifo, { write: true }).then((writer) => writer.close(), () => {})
        .finally(() => unblocked = true);
    });
    let reader: Deno.FsFile | undefined;
    try {
      reader = await Deno.open(fifo, { read: true });
      readerOpened = true;
      // One buffer for the process (copies take turns on the pipe): allocating 1 MiB per
      // statement cost ~50 ms of zeroing and GC over 200 small statements.
      const buffer = pumpBuffer ??= new Uint8Array(PUMP_BYTES);
      const arrayLines = options.jsonArray ? new JsonLinesToArray() : undefined;
      for (;;) {
        const read = await reader.read(buffer);
        if (read === null) break;
        const bytes = buffer.subarray(0, read);
        await sink.writeBytes(arrayLines === undefined ? bytes : arrayLines.convert(bytes));
      }
      if (arrayLines !== undefined) await sink.writeBytes(arrayLines.end());
    } finally {
      // Closing the read end early (the sink failed) makes DuckDB's next write fail with EPIPE,
      // so the COPY ends instead of waiting on a full pipe.
      reader?.close();
      await copy.catch(() => {});
      if (unblocking !== undefined && !unblocked) {
        // Our unblocking writer is still waiting for a reader: give it one.
        (await Deno.open(fifo, { read: true })).close();
        await unblocking;
      }
    }
    return { rows: await copy };
  } finally {
    release();
  }
}

/**
 * The process's one named pipe (in a private temporary directory, removed when the process
 * exits), made on first use: spawning `mkfifo` and making a directory for every statement cost
 * ~2 ms each. Null where no pipe can be made.
 */
function sessionFifo(): Promise<string | null> {
  fifoPath ??= (async () => {
    let directory: string;
    try {
      directory = await Deno.makeTempDir({ prefix: "noctra-copy-" });
    } catch {
      return null;
    }
    const fifo = `${directory}/result`;
    try {
      const made = await new Deno.Command("mkfifo", { args: ["-m", "600", fifo] }).output();
      if (!made.success) throw new Error("mkfifo failed");
    } catch {
      await Deno.remove(directory, { recursive: true }).catch(() => {});
      return null;
    }
    globalThis.addEventListener("unload", () => {
      try {
        Deno.removeSync(directory, { recursive: true });
      } catch { /* already gone */ }
    });
    return fifo;
  })();
  return fifoPath;
}

/**
 * Turns JSON lines (one object per line, as DuckDB's JSON writer emits them; a JSON text holds
 * no raw newline, so every newline ends a line) into one JSON array, byte by byte as the stream
 * arrives: `[` first, `,\n` between objects, `]\n` at the end (`[]\n` for no lines).
 */
export class JsonLinesToArray {
  #opened = false;
  #lineEnded = false;
  readonly #decoder = new TextDecoder();
  readonly #encoder = new TextEncoder();

  /**
   * The array text for the next bytes of the stream. Works on text: V8's native `replaceAll`
   * over a 64 KiB read beats copying the bytes line by line (bench/cli.ts `rows10m_json`: 6.5 s
   * → 3.5–5.9 s); a UTF-8 character split across reads is joined by the streaming decoder.
   */
  convert(bytes: Uint8Array): Uint8Array {
    let text = this.#decoder.decode(bytes, { stream: true });
    if (text === "") return new Uint8Array(0);
    let prefix = "";
    if (!this.#opened) {
      prefix = "[";
      this.#opened = true;
    }
    if (this.#lineEnded) prefix += ",\n";
    this.#lineEnded = text.endsWith("\n");
    if (this.#lineEnded) text = text.slice(0, -1);
    return this.#encoder.encode(prefix + text.replaceAll("\n", ",\n"));
  }

  /** The closing text once the stream has ended. */
  end(): Uint8Array {
    // A stream cut inside a UTF-8 character leaves it here (as U+FFFD), never lost.
    const rest = this.#decoder.decode();
    const last = rest === "" ? new Uint8Array(0) : this.convert(this.#encoder.encode(rest));
    const close = this.#encoder.encode(this.#opened ? "]\n" : "[]\n");
    const out = new Uint8Array(last.length + close.length);
    out.set(last);
    out.set(close, last.length);
    return out;
  }
}

let fifoPath: Promise<string | null> | undefined;
let pumpBuffer: Uint8Array | undefined;
let fifoQueue: Promise<void> = Promise.resolve();

/** Waits until no other copy uses the pipe; returns the function that hands it on. */
async function takeFifo(): Promise<() => void> {
  let release!: () => void;
  const previous = fifoQueue;
  fifoQueue = new Promise((resolve) => release = resolve);
  await previous;
  return release;
}
