import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

const ROOT = resolve(__dirname, "..", "..");
const git = (...args: string[]) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();

/** Subjects longer than `max`, as `<hash> (<length>) <subject>`, of the commits in `range`. */
export function longSubjects(range: string, max: number): string[] {
  return git("log", "--format=%h%x00%s", range)
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split("\0"))
    .filter(([, subject]) => subject.length > max)
    .map(([hash, subject]) => `${hash} (${subject.length}) ${subject}`);
}

describe("commit subjects (CONTRIBUTING.md)", () => {
  it("keeps every subject since the convention was written to 72 characters", function () {
    let since: string;
    try {
      since = git("log", "--format=%H", "--diff-filter=A", "-1", "--", "CONTRIBUTING.md");
    } catch {
      this.skip(); // an export without history has no commits to check
    }
    assert.ok(since, "CONTRIBUTING.md was never added in this history");
    assert.deepEqual(longSubjects(`${since}^..HEAD`, 72), []);
  });

  it("finds a subject over the limit (planted: the limit set below the longest subject)", () => {
    const root = git("rev-list", "--max-parents=0", "HEAD").split("\n")[0];
    const found = longSubjects(`${root}..HEAD`, 10);
    assert.ok(found.length > 0);
    assert.match(found[0], /^[0-9a-f]+ \(\d+\) /);
  });
});
