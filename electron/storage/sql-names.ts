/** SQL identifiers from names that may contain anything (collection names, field paths). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
