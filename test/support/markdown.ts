/** Code blocks of the Markdown docs, for tests that compile or run them as written. */

/** The fenced blocks of `markdown` in the given language (```ts, ```sh …), in order. */
export function codeBlocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => m[1]!);
}
