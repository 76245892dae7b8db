/**
 * What the documentation tests read: the fenced code blocks of a Markdown file with the
 * `<!-- docs: … -->` note just above each, and the `sanad` command lines inside shell blocks.
 */

export interface CodeBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  /** The text of a `<!-- docs: … -->` comment right above the block, if any. */
  note?: string;
}

/** Every fenced block of `text` (from `file`), in order; with `lang`, only the blocks in that language. */
export function codeBlocks(file: string, text: string, lang?: string): CodeBlock[] {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^(\s*)(`{3,})(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !new RegExp(`^\\s*${fence}\\s*$`).test(lines[j]!); j += 1)
      body.push(lines[j]!.startsWith(indent!) ? lines[j]!.slice(indent!.length) : lines[j]!);
    let k = i - 1;
    while (k >= 0 && lines[k]!.trim() === '') k -= 1;
    const note = k >= 0 ? /^\s*<!--\s*docs:\s*(.*?)\s*-->\s*$/.exec(lines[k]!)?.[1] : undefined;
    blocks.push({
      file,
      line: i + 1,
      lang: lang!,
      code: body.join('\n'),
      ...(note !== undefined ? { note } : {}),
    });
    i = j;
  }
  return lang === undefined ? blocks : blocks.filter((b) => b.lang === lang);
}

/**
 * The simple commands of a shell snippet, as words: line continuations joined, comments
 * dropped, split at `&&`, `||`, `;`, `|` and new lines, quotes removed. A `$(…)` and a `<…>`
 * placeholder stay one word each. Enough for the documentation's command lines, not a shell.
 */
export function shellCommands(code: string): string[][] {
  const text = code.replace(/\\\n/g, ' ');
  const commands: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (): void => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      word += text.slice(i + 1, end === -1 ? undefined : end);
      inWord = true;
      i = end === -1 ? text.length : end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j += 1)
        word += text[j] === '\\' ? text[++j] : text[j];
      inWord = true;
      i = j;
    } else if (c === '$' && text[i + 1] === '(') {
      let depth = 0;
      let j = i + 1;
      for (; j < text.length; j += 1) {
        if (text[j] === '(') depth += 1;
        if (text[j] === ')' && --depth === 0) break;
      }
      word += text.slice(i, j + 1);
      inWord = true;
      i = j;
    } else if (c === '<' && !inWord && /^<[^<>\n]+>/.test(text.slice(i))) {
      const end = text.indexOf('>', i);
      word += text.slice(i, end + 1);
      inWord = true;
      i = end;
    } else if (c === '#' && !inWord) {
      while (i < text.length && text[i] !== '\n') i += 1;
      endCommand();
    } else if (c === '\n' || c === ';') {
      endCommand();
    } else if ((c === '&' && text[i + 1] === '&') || (c === '|' && text[i + 1] === '|')) {
      endCommand();
      i += 1;
    } else if (c === '|') {
      endCommand();
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand();
  return commands;
}
