/**
 * `apache-arrow`'s I/O over Deno files: a byte queue the IPC writer fills and the caller drains
 * after each batch ({@link DrainableByteQueue}, written out by {@link writeFully}), and the
 * positioned-read `FileHandle` the IPC reader reads through ({@link DenoFileHandle},
 * {@link openReader}).
 *
 * @module
 */
// deno-lint-ignore-file no-import-prefix -- mod.ts imports without deno.json (tests/library_test.ts)
import { AsyncByteQueue, type FileHandle, RecordBatchReader } from "npm:apache-arrow@21.2.0";
import { NoctraError } from "../../errors.ts";
import { messageOf } from "./error_text.ts";

/** The writer's byte queue, drained synchronously after each batch instead of read async. */
export class DrainableByteQueue extends AsyncByteQueue {
  take(): Uint8Array[] {
    const values = this._values;
    this._values = [];
    return values;
  }
}

/**
 * Writes all of `parts` to `file` (joined into one buffer when several) and returns their bytes.
 * Throws {@link NoctraError} naming `path` when the write fails.
 */
export async function writeFully(
  file: Deno.FsFile,
  path: string,
  parts: Uint8Array[],
): Promise<number> {
  if (parts.length === 0) return 0;
  let total = 0;
  for (const part of parts) total += part.byteLength;
  let bytes: Uint8Array;
  if (parts.length === 1) {
    bytes = parts[0]!;
  } else {
    bytes = new Uint8Array(total);
    let at = 0;
    for (const part of parts) {
      bytes.set(part, at);
      at += part.byteLength;
    }
  }
  try {
    let written = 0;
    while (written < bytes.byteLength) written += await file.write(bytes.subarray(written));
  } catch (error) {
    throw new NoctraError(`cannot write Arrow file ${path}: ${messageOf(error)}`, undefined, {
      cause: error,
    });
  }
  return total;
}

/** The `FileHandle` subset `apache-arrow` reads through (positioned reads), over a Deno file. */
export class DenoFileHandle {
  readonly fd = -1;
  #file: Deno.FsFile | null;

  constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  async stat(): Promise<{ size: number }> {
    return { size: (await this.#file!.stat()).size };
  }

  async read(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesRead: number; buffer: Uint8Array }> {
    const file = this.#file;
    if (file === null) return { bytesRead: 0, buffer };
    await file.seek(position, Deno.SeekMode.Start);
    let bytesRead = 0;
    while (bytesRead < length) {
      const read = await file.read(buffer.subarray(offset + bytesRead, offset + length));
      if (read === null) break;
      bytesRead += read;
    }
    return { bytesRead, buffer };
  }

  close(): Promise<void> {
    this.#file?.close();
    this.#file = null;
    return Promise.resolve();
  }
}

/** An `apache-arrow` reader of the IPC file or stream behind `handle`, opened (schema read). */
export async function openReader(handle: DenoFileHandle) {
  const reader = await RecordBatchReader.from(handle as unknown as FileHandle);
  await reader.open();
  return reader;
}
