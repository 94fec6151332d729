import { z } from "zod";
import type { StateFileKind } from "./state-file";

/** The runs folder's own state files (the drift ledger); local AWS keeps its own in aws/state-files.ts. */

export const DRIFT_LEDGER: StateFileKind<{ runs: { startedAt: string }[] }> = {
  what: "the ledger of drift runs, the cooldown's record",
  schema: z.looseObject({ runs: z.array(z.looseObject({ startedAt: z.iso.datetime({ offset: true }) })) }),
  remedy:
    "No drift run starts while it is damaged. `npm run runs -- --repair` rebuilds it from the drift runs' records; `--reset-drift-ledger` forgets them",
};
