/**
 * Float32 values written with as few digits as read back exactly: the float32 nearest x, printed as
 * the shortest decimal whose float32 is that value (0.1f → `0.1`, not `0.10000000149011612`). At most
 * 9 significant digits, which always suffice for float32.
 */

/** The shortest decimal text that reads back (through `Math.fround(Number(text))`) as `Math.fround(x)`. */
export function formatFloat32(x: number): string {
  const f = Math.fround(x);
  if (!Number.isFinite(f)) throw new Error(`cannot write ${String(x)} as a float32 number`);
  if (f === 0) return '0';
  for (let digits = 1; digits < 9; digits++) {
    const text = f.toPrecision(digits);
    // String(Number(text)) is the shortest form of that double: no trailing zeros, no `e+2` for 100.
    if (Math.fround(Number(text)) === f) return String(Number(text));
  }
  return String(Number(f.toPrecision(9)));
}
