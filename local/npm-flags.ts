import type { Command, Option } from "commander";
import { LocalUsageError } from "./run/types";

/**
 * `npm start --approve`, without `--`: npm takes a flag it does not know as its own config, puts
 * `npm_config_approve=true` in the script's environment and passes the flag's value, if it had one,
 * on as a bare argument. The CLI never sees the flag.
 *
 * The run stops (exit 2) with the command that was meant instead of honouring the variable. The
 * variable is inherited by everything npm starts, so a wrapper run as `npm run ci --approve` would
 * approve every release under it, a decision no command line of the run itself shows; a value
 * cannot be told back to its flag once several were given; and npm warns that it stops accepting
 * unknown flags in its next major version, so a script relying on it would break then.
 */

const envName = (option: Option) => `npm_config_${(option.long ?? "").slice(2).replace(/-/g, "_")}`;

const given = (option: Option, argv: readonly string[]) =>
  argv.some((arg) => arg === option.long || arg.startsWith(`${option.long}=`));

/** Where the arguments are that are neither a flag nor a given flag's value: what npm passed on. */
function bareArguments(program: Command, argv: readonly string[]): number[] {
  const takesValue = (arg: string | undefined) =>
    program.options.some((option) => option.long === arg && !option.isBoolean());
  return argv.flatMap((arg, i) => (!arg.startsWith("-") && !takesValue(argv[i - 1]) ? [i] : []));
}

/** The flags as they were meant: a value flag gets the one bare argument npm passed on, if it can. */
function meantArguments(program: Command, taken: Option[], argv: readonly string[]): string[] {
  const bare = bareArguments(program, argv);
  const valued = taken.filter((option) => !option.isBoolean());
  const at = valued.length === 1 && bare.length === 1 ? bare[0] : undefined;
  const flags = taken.map((option) =>
    option.isBoolean() ? String(option.long) : at === undefined ? option.flags : `${option.long} ${argv[at]}`,
  );
  return [...flags, ...argv.filter((_arg, i) => i !== at)];
}

/**
 * The error to stop with when npm took flags of `program` for itself (`npm_config_<flag>` set, the
 * flag not in `argv`), or undefined. Only when an npm script runs local mode itself: a process
 * started by another script (`npm test`) inherits that script's variables, not flags meant for it.
 */
export function npmTookFlags(
  program: Command,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): LocalUsageError | undefined {
  const script = env.npm_lifecycle_event;
  if (!script || !/\blocal\/start\.js\b/.test(env.npm_lifecycle_script ?? "")) return undefined;
  const taken = program.options.filter(
    (option) => option.long && !given(option, argv) && env[envName(option)] !== undefined,
  );
  if (taken.length === 0) return undefined;
  const command = script === "start" ? "npm start" : `npm run ${script}`;
  return new LocalUsageError(
    `npm took ${taken.map((option) => option.long).join(" ")} for itself; run \`${command} -- ${meantArguments(program, taken, argv).join(" ")}\``,
  );
}
