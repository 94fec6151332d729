// The Pulumi program's entry point (Pulumi.yaml `main`): the stack's outputs are this module's exports.
import { program } from "./program";

export = program();
