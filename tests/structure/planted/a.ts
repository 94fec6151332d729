// Planted for the architecture test: a cycle with b.ts, a long function, a one-letter parameter.
import { b } from "./b";

export function long(n: number): number {
  let total = n;
  total += b;
  total *= 2;
  return total;
}
