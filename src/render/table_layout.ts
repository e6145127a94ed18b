/**
 * Column widths of the box table, chosen from the content (like DuckDB's `duckbox`):
 *
 * 1. Every column is as wide as its widest text (name, type, cells) when the table fits.
 * 2. Otherwise text columns give way first: they share what numbers leave, the widest shrinking
 *    first, down to a floor of {@link textFloor} characters. Numbers are never cut; a long
 *    column name over a numeric column is, down to the same floor.
 * 3. When even the floors do not fit, middle columns are hidden in DuckDB's order — the middle
 *    one, then its left neighbour, its right neighbour, and so on outwards — behind a one-character
 *    `…` column, and the room they free goes back to the text columns still shown.
 *
 * Without a width (output that is not a terminal, no `.maxwidth`) nothing is fitted; text
 * columns are then capped at {@link UNFITTED_TEXT_WIDTH} characters.
 *
 * All widths are in characters (code points) and exclude the box's padding and borders.
 *
 * @module
 */

/** Widest a non-numeric column grows when the table is not fitted to a width (characters). */
export const UNFITTED_TEXT_WIDTH = 48;
/** Bounds of {@link textFloor} (characters): narrowest and widest floor. */
const FLOOR_MIN = 6;
const FLOOR_MAX = 20;
/** Characters a column adds to the table besides its cells: `│ ` before, ` ` after. */
const COLUMN_FRAME = 3;
/** Characters the `…` column of hidden columns adds: ` … │`. */
const GAP_COLUMN = 4;

/** What the layout needs to know of one column (characters). */
export interface ColumnMeasure {
  /** Widest of the column's name, type and cells. */
  readonly natural: number;
  /** Widest cell (the values only); numbers are never shown narrower than this. */
  readonly values: number;
  /** True for numeric columns: their cells are never cut. */
  readonly numeric: boolean;
}

/** Which result columns a table shows, and how wide (characters, without padding). */
export interface TableLayout {
  /** Indexes of the shown result columns, in order. */
  readonly shown: number[];
  /** Width of each shown column (parallel to `shown`). */
  readonly widths: number[];
  /**
   * Position in `shown` before which the `…` column of hidden columns stands (0 to
   * `shown.length`), or -1 when no column is hidden.
   */
  readonly gapAt: number;
}

/**
 * The floor a text column shrinks to before middle columns are hidden: a sixth of the table
 * width, between 6 and 20 characters (20 is DuckDB's `max_col_width`).
 *
 * @example
 * ```ts
 * import { textFloor } from "./table_layout.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(textFloor(80), 13);
 * strictEqual(textFloor(160), 20);
 * strictEqual(textFloor(41), 6);
 * ```
 */
export function textFloor(width: number): number {
  return Math.min(FLOOR_MAX, Math.max(FLOOR_MIN, Math.floor(width / 6)));
}

/**
 * Total width in characters of a table whose shown columns have `widths`, borders included,
 * with the `…` column when `gap`.
 */
export function tableWidth(widths: readonly number[], gap: boolean): number {
  return widths.reduce((sum, w) => sum + w + COLUMN_FRAME, 1) + (gap ? GAP_COLUMN : 0);
}

/**
 * Plans the shown columns and their widths for a table at most `width` characters wide
 * (undefined: not fitted). See the module documentation for the rules.
 *
 * @example
 * ```ts
 * import { planTableLayout } from "./table_layout.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * const text = { natural: 30, values: 30, numeric: false };
 * const number = { natural: 9, values: 9, numeric: true };
 * // 40 characters: the number keeps its 9, the text gets the rest.
 * deepStrictEqual(planTableLayout([text, number], 40), { shown: [0, 1], widths: [24, 9], gapAt: -1 });
 * ```
 */
export function planTableLayout(
  measures: readonly ColumnMeasure[],
  width: number | undefined,
): TableLayout {
  const all = measures.map((_, index) => index);
  if (width === undefined) {
    const widths = measures.map((m) =>
      m.numeric ? Math.max(m.values, Math.min(m.natural, UNFITTED_TEXT_WIDTH)) : Math.min(
        m.natural,
        UNFITTED_TEXT_WIDTH,
      )
    );
    return { shown: all, widths, gapAt: -1 };
  }
  const naturals = measures.map((m) => m.natural);
  if (tableWidth(naturals, false) <= width) return { shown: all, widths: naturals, gapAt: -1 };
  const floor = textFloor(width);
  const minimums = measures.map((m) =>
    m.numeric ? Math.max(m.values, Math.min(m.natural, floor)) : Math.min(m.natural, floor)
  );
  const fits = (shown: readonly number[], gap: boolean) =>
    tableWidth(shown.map((index) => minimums[index]!), gap) <= width;
  let shown = all;
  let hidden: number[] = [];
  if (!fits(all, false)) {
    // Hide columns from the middle outwards, zig-zag, until the floors fit (one column stays).
    const middle = Math.floor(measures.length / 2);
    for (let offset = 0; shown.length > 1 && !fits(shown, true);) {
      hidden = [...hidden, middle + offset];
      shown = all.filter((index) => !hidden.includes(index));
      offset = offset >= 0 ? -offset - 1 : -offset;
    }
  }
  const gap = hidden.length > 0;
  const budget = width - tableWidth(shown.map(() => 0), gap);
  const widths = shareWidth(
    shown.map((index) => measures[index]!),
    shown.map((i) => minimums[i]!),
    budget,
  );
  const firstHidden = Math.min(...hidden);
  const gapAt = gap ? shown.filter((index) => index < firstHidden).length : -1;
  return { shown, widths, gapAt };
}

/**
 * Widths for `measures` within `budget` characters of cells: numbers at their natural width and
 * text sharing the rest; when that is not enough, numeric headers give way too. Never below
 * `minimums` (which may exceed the budget when one column alone is wider than the table).
 */
function shareWidth(
  measures: readonly ColumnMeasure[],
  minimums: readonly number[],
  budget: number,
): number[] {
  const naturals = measures.map((m) => m.natural);
  const isText = measures.map((m) => !m.numeric);
  const sum = (values: readonly number[], pick: (index: number) => boolean) =>
    values.reduce((total, value, index) => total + (pick(index) ? value : 0), 0);
  const numbersNatural = sum(naturals, (i) => !isText[i]);
  if (sum(minimums, (i) => isText[i]!) + numbersNatural <= budget) {
    // Numbers whole; text levelled into what is left.
    const text = level(
      minimums.filter((_, i) => isText[i]),
      naturals.filter((_, i) => isText[i]),
      budget - numbersNatural,
    );
    return merge(isText, text, naturals.filter((_, i) => !isText[i]));
  }
  // Text at its floor; the numeric columns' long names are cut to share the rest.
  const numbers = level(
    minimums.filter((_, i) => !isText[i]),
    naturals.filter((_, i) => !isText[i]),
    budget - sum(minimums, (i) => isText[i]!),
  );
  return merge(isText, minimums.filter((_, i) => isText[i]), numbers);
}

/** Interleaves `text` and `numbers` back into column order (`isText` per column). */
function merge(isText: readonly boolean[], text: number[], numbers: number[]): number[] {
  let t = 0;
  let n = 0;
  return isText.map((textual) => textual ? text[t++]! : numbers[n++]!);
}

/**
 * Water-filling: each width is `clamp(L, low, high)` for the largest level `L` whose total stays
 * within `budget`; characters left over go one each to the columns cut at `L`, from the left.
 * The widest columns thus shrink first and equally. Returns `low` when even that exceeds the budget.
 */
function level(low: readonly number[], high: readonly number[], budget: number): number[] {
  const at = (cap: number) => low.map((lo, i) => Math.max(lo, Math.min(cap, high[i]!)));
  const total = (widths: readonly number[]) => widths.reduce((sum, w) => sum + w, 0);
  let lo = 0;
  let hi = Math.max(0, ...high);
  if (total(at(hi)) <= budget) return at(hi);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (total(at(mid)) <= budget) lo = mid;
    else hi = mid - 1;
  }
  const widths = at(lo);
  let left = budget - total(widths);
  for (let i = 0; i < widths.length && left > 0; i++) {
    if (widths[i]! < high[i]! && widths[i]! === lo) {
      widths[i] = widths[i]! + 1;
      left--;
    }
  }
  return widths;
}
