/** A mistake in how the CLI was called (unknown command or option, missing value): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An option of a command, as `--help` lists it. */
export interface OptionSpec {
  readonly name: string;
  /** Placeholder of its value (`file`); absent for a boolean flag. */
  readonly value?: string;
  readonly help: string;
}

export interface ParsedArgs {
  /** Values of valued options, by name. */
  readonly values: Record<string, string | undefined>;
  /** Boolean flags given. */
  readonly flags: Set<string>;
  /** `--help` or `-h` was given. */
  readonly help: boolean;
}

/**
 * Parses `--name value`, `--name=value` and boolean `--flag` arguments of one command;
 * `-h`/`--help` anywhere asks for help. Anything else (positional arguments, unknown
 * options, a valued option without a value) is a UsageError naming the valid options.
 */
export function parseArgs(argv: readonly string[], options: readonly OptionSpec[]): ParsedArgs {
  const values: Record<string, string | undefined> = {};
  const flags = new Set<string>();
  const valid = (): string => (options.length ? `valid: ${options.map((o) => `--${o.name}`).join(', ')}` : 'this command takes no options');
  if (argv.includes('--help') || argv.includes('-h')) return { values, flags, help: true };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z][a-z-]*)(?:=(.*))?$/s.exec(argv[i]);
    const opt = m ? options.find((o) => o.name === m[1]) : undefined;
    if (!m || !opt) throw new UsageError(`${argv[i]}: unknown argument; ${valid()}`);
    if (opt.value === undefined) {
      if (m[2] !== undefined) throw new UsageError(`--${opt.name}: takes no value (got "${m[2]}")`);
      flags.add(opt.name);
      continue;
    }
    const value = m[2] ?? argv[i + 1];
    if (m[2] === undefined) i++;
    if (value === undefined || (m[2] === undefined && value.startsWith('--'))) throw new UsageError(`--${opt.name}: needs a value (--${opt.name} <${opt.value}>)`);
    if (value === '') throw new UsageError(`--${opt.name}: needs a non-empty value`);
    values[opt.name] = value;
  }
  return { values, flags, help: false };
}

/** The option table of a command's `--help`. */
export function formatOptions(options: readonly OptionSpec[]): string {
  const left = options.map((o) => `--${o.name}${o.value ? ` <${o.value}>` : ''}`);
  const width = Math.max(...left.map((l) => l.length), 10) + 2;
  const lines = options.map((o, i) => {
    const [first, ...rest] = o.help.split('\n');
    return [`  ${left[i].padEnd(width)}${first}`, ...rest.map((r) => `  ${' '.repeat(width)}${r}`)].join('\n');
  });
  return [...lines, `  ${'-h, --help'.padEnd(width)}this help`].join('\n');
}
