import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";

/**
 * Runs a buildspec the way CodeBuild runs it, with stand-ins for the programs it calls: every
 * command of a build in one bash shell, phases in order; a failing command fails its phase and skips
 * the rest of it; `finally` runs anyway; a failed install or pre_build ends the build, a failed build
 * still runs post_build with CODEBUILD_BUILD_SUCCEEDING=0.
 * https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html#build-spec-ref-syntax
 * https://docs.aws.amazon.com/codebuild/latest/userguide/view-build-details.html#view-build-details-phases
 */

export interface StubCall {
  program: string;
  args: string;
  /** The AWS profile and static credentials in the caller's environment when it ran. */
  profile: string;
  accessKey: string;
  mlopsPython: string;
}

export interface EmulatedBuild {
  calls: StubCall[];
  /** Phases whose commands failed. */
  failedPhases: string[];
  succeeded: boolean;
  output: string;
}

const PHASES = ["install", "pre_build", "build", "post_build"] as const;
const STUBBED = ["aws", "pulumi", "npm", "curl", "python3"];

type Spec = { phases: Record<string, { commands?: string[]; finally?: string[] }> };

export function emulateBuild(
  buildspec: string,
  options: { env?: Record<string, string>; failWhen?: RegExp } = {},
): EmulatedBuild {
  const dir = mkdtempSync(join(tmpdir(), "codebuild-"));
  const calls = join(dir, "calls.log");
  writeFileSync(calls, "");
  for (const program of STUBBED) {
    const stub = join(dir, program);
    writeFileSync(
      stub,
      [
        "#!/usr/bin/env bash",
        // One record per call, fields split by ASCII's unit separator and ended by its record
        // separator: bash's printf writes it, no process per call (builds make ~300 calls).
        `printf '%s\\x1f%s\\x1f%s\\x1f%s\\x1f%s\\x1e' ${program} "$*" "$AWS_PROFILE" "$AWS_ACCESS_KEY_ID" "$MLOPS_PYTHON" >> ${calls}`,
        // The Pulumi installer is piped to sh; give it something harmless to run.
        ...(program === "curl" ? ['echo "exit 0"'] : []),
        // A stack's config values, so a build can read what it is about to change.
        ...(program === "pulumi" ? ['if [ "$1 $2" = "config get" ]; then echo "previous-$4"; fi'] : []),
        `if [ -n "$FAIL_WHEN" ] && echo "${program} $*" | grep -Eq "$FAIL_WHEN"; then exit 1; fi`,
        "exit 0",
      ].join("\n"),
    );
    chmodSync(stub, 0o755);
  }
  const spec = parse(buildspec) as Spec;
  const quote = (command: string) => `'${command.replace(/'/g, `'\\''`)}'`;
  const lines = [
    // `exit` in a buildspec command ends that command with its status, as it does in CodeBuild.
    'exit() { return "${1:-0}"; }',
    "export CODEBUILD_BUILD_SUCCEEDING=1",
    "FAILED_PHASES=''",
    'run() { local phase="$1"; shift; eval "$1"; local status=$?; if [ "$status" != 0 ]; then echo "command failed ($status) in $phase: $1" >&2; fi; return "$status"; }',
  ];
  for (const phase of PHASES) {
    const { commands = [], finally: final = [] } = spec.phases[phase] ?? {};
    const stopIfEnded = phase === "build" || phase === "post_build" ? '[ "$ENDED" = 1 ] ||' : "";
    lines.push(`PHASE_OK=1`);
    for (const command of commands)
      lines.push(
        `${stopIfEnded} { [ "$PHASE_OK" = 1 ] && { run ${phase} ${quote(command)} || PHASE_OK=0; }; }`,
      );
    for (const command of final) lines.push(`${stopIfEnded} run ${phase} ${quote(command)}`);
    lines.push(
      `if [ "$PHASE_OK" = 0 ]; then FAILED_PHASES="$FAILED_PHASES ${phase}"; CODEBUILD_BUILD_SUCCEEDING=0; ${phase === "install" || phase === "pre_build" ? "ENDED=1;" : ""} fi`,
    );
  }
  lines.push('echo "__FAILED_PHASES__${FAILED_PHASES}"');
  const run = spawnSync("bash", ["-c", lines.join("\n")], {
    cwd: dir,
    encoding: "utf8",
    env: {
      PATH: `${dir}:/usr/bin:/bin`,
      HOME: dir,
      FAIL_WHEN: options.failWhen?.source ?? "",
      CODEBUILD_BUILD_NUMBER: "7",
      CODEBUILD_BUILD_ID: "project:7",
      AWS_REGION: "us-west-2",
      ...options.env,
    },
  });
  const failedPhases = (/__FAILED_PHASES__(.*)/.exec(run.stdout)?.[1] ?? "")
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  return {
    calls: readFileSync(calls, "utf8").split("\x1e").filter(Boolean).map(toStubCall),
    failedPhases,
    succeeded: failedPhases.length === 0,
    output: run.stdout + run.stderr,
  };
}

function toStubCall(record: string): StubCall {
  const [program, args, profile, accessKey, mlopsPython] = record.split("\x1f");
  return { program, args, profile, accessKey, mlopsPython };
}
