// Planted for the architecture test: a cycle with a.ts and a loose Args interface.
import { long } from "./a";

export const b = 1;
export const again = () => long(1);

export interface PlantedArgs {
  size: number;
  /** A nested object whose member can be reassigned. */
  readonly limits: { readonly low: number; high: number };
}
