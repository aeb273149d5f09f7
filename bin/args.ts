import { SpecError } from '../lib/spec/errors';

/** Parses `--name value`, `--name=value` and boolean `--flag` arguments; rejects unknown ones. */
export function cliArgs(argv: readonly string[], valued: readonly string[], flags: readonly string[] = []): Record<string, string | undefined> & { flags: Set<string> } {
  const out: Record<string, string | undefined> & { flags: Set<string> } = { flags: new Set() } as never;
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    const name = m?.[1];
    if (name && flags.includes(name)) out.flags.add(name);
    else if (name && valued.includes(name)) {
      const value = m[2] ?? argv[++i];
      if (value === undefined) throw new SpecError([{ path: `--${name}`, value: undefined, message: 'needs a value' }], 'Invalid arguments');
      out[name] = value;
    } else {
      throw new SpecError([{ path: argv[i], value: argv[i], message: `unknown argument; valid: ${[...valued, ...flags].map((a) => `--${a}`).join(', ')}` }], 'Invalid arguments');
    }
  }
  return out;
}
