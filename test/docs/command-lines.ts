/**
 * Checks a documented `sanad …` command line against the real command tree (commander): the
 * subcommands exist, every option is one the command takes and has its value, every required
 * option is there, and the positional arguments fit. A renamed or removed option in the code
 * then fails the documentation that still shows it.
 */
import type { createProgram } from '@sanad/cli';

type Command = Awaited<ReturnType<typeof createProgram>>;
type Option = Command['options'][number];

/** The words after `sanad` if `words` runs the CLI (through PATH, node or pnpm), else undefined. */
export function sanadArguments(words: string[]): string[] | undefined {
  let i = 0;
  while (i < words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[i]!)) i += 1; // VAR=value sanad …
  // Redirections (`> out.json`, `2>/dev/null`) belong to the shell, not to the command.
  const redirect = (w: string | undefined): boolean =>
    w !== undefined && !isPlaceholder(w) && /^\d*(>>?|<)/.test(w);
  const rest = words
    .slice(i)
    .filter(
      (w, j, all) =>
        !redirect(w) && !(/^\d*(>>?|<)$/.test(all[j - 1] ?? '') && redirect(all[j - 1])),
    );
  if (rest[0] === 'sanad' || rest[0]?.endsWith('/sanad')) return rest.slice(1);
  if (rest[0]?.endsWith('node') && rest[1]?.endsWith('bin.js')) return rest.slice(2);
  return undefined;
}

const isPlaceholder = (word: string): boolean =>
  /^<[^>]+>$/.test(word) || word === '…' || word === '...';

function findOption(command: Command, flag: string): Option | undefined {
  for (let c: Command | null = command; c; c = c.parent) {
    const option = c.options.find((o) => o.long === flag || o.short === flag);
    if (option) return option;
  }
  return undefined;
}

/** Why `args` (the words after `sanad`) is not a valid command line, or undefined when it is. */
export function commandLineProblem(program: Command, args: string[]): string | undefined {
  let command = program;
  let i = 0;
  for (; i < args.length; i += 1) {
    const sub = command.commands.find(
      (c) => c.name() === args[i] || c.aliases().includes(args[i]!),
    );
    if (!sub) break;
    command = sub;
  }
  if (command === program && args[0] !== '--help' && args[0] !== '--version')
    return `unknown command "${args[0] ?? ''}"`;
  if (command.commands.length > 0 && i === args.length)
    return `"${command.name()}" needs a subcommand (${command.commands.map((c) => c.name()).join(', ')})`;
  const given = new Set<Option>();
  const positionals: string[] = [];
  for (; i < args.length; i += 1) {
    const word = args[i]!;
    if (word === '--help' || word === '-h') return undefined;
    if (!word.startsWith('-') || word === '-' || isPlaceholder(word)) {
      positionals.push(word);
      continue;
    }
    const [flag, inline] = word.includes('=')
      ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]
      : [word, undefined];
    const option = findOption(command, flag!);
    if (!option) return `"${command.name()}" has no option ${flag}`;
    given.add(option);
    if (option.required && inline === undefined) {
      if (i + 1 >= args.length) return `${flag} needs a value`;
      i += 1;
    }
    if (
      option.argChoices &&
      !option.argChoices.includes(inline ?? args[i]!) &&
      !isPlaceholder(inline ?? args[i]!)
    )
      return `${flag} must be one of ${option.argChoices.join(', ')}`;
  }
  for (const option of command.options) {
    if (option.mandatory && !given.has(option) && option.defaultValue === undefined)
      return `"${command.name()}" needs ${option.long}`;
  }
  const expected = command.registeredArguments;
  const required = expected.filter((a) => a.required).length;
  const variadic = expected.some((a) => a.variadic);
  if (positionals.length < required)
    return `"${command.name()}" needs ${required} argument(s), got ${positionals.length}`;
  if (!variadic && positionals.length > expected.length)
    return `"${command.name()}" takes ${expected.length} argument(s), got ${positionals.length}: ${positionals.join(' ')}`;
  return undefined;
}
