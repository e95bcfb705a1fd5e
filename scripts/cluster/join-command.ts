/**
 * The arguments of the `capstan node ...` command that `capstan token create --print-join-command` prints, for
 * the bed to run on each host with that host's own flags added, as a user pastes it on a new machine. Whatever
 * the command carries (server, token, a CA hash once joining is verified) passes through unchanged.
 */
export function parseJoinCommand(printed: string): string[] {
  const line = printed
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /^capstan\s+(node|join)\b/.test(l));
  if (!line) throw new Error(`no "capstan node" command in the output of token create: ${printed.trim()}`);
  if (/["'\\$`]/.test(line)) throw new Error(`the join command has shell quoting the bed does not parse: ${line}`);
  const words = line.split(/\s+/);
  return words.slice(1);
}
