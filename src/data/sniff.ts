/**
 * Delimiter sniffing. csv-parse has `delimiter_auto`, but it scores every ASCII character (so a
 * space or a '.' can win) and its pre-pass throws on quoted fields such as `"a","b"`; this
 * sniffer weighs only the four delimiters that real exports use and skips quoted text.
 */

export const delimiterCandidates = [',', '\t', ';', '|'] as const;

/**
 * The delimiter that splits the first records of `text` into the most consistent number of
 * fields: for each candidate, the share of records whose count equals the most common nonzero
 * count, then that count, then the order of `delimiterCandidates`. Text with none of them is
 * one column, read with ','.
 *
 * `complete` says whether `text` is the whole file; when it is not, the last record may be
 * cut and is left out.
 */
export function sniffDelimiter(text: string, options: { quote?: string; complete?: boolean } = {}): string {
  const quote = options.quote ?? '"';
  const counts = countPerRecord(text, quote, options.complete ?? false);
  let best: { delimiter: string; share: number; mode: number } = { delimiter: ',', share: 0, mode: 0 };
  for (const delimiter of delimiterCandidates) {
    const perRecord = counts.map((c) => c.get(delimiter) ?? 0);
    const mode = mostCommonNonzero(perRecord);
    if (mode === 0) continue;
    const share = perRecord.filter((n) => n === mode).length / perRecord.length;
    if (share > best.share || (share === best.share && mode > best.mode)) best = { delimiter, share, mode };
  }
  return best.delimiter;
}

const maxRecords = 50;

/** Per record, how often each candidate occurs outside quotes. */
function countPerRecord(text: string, quote: string, complete: boolean): Map<string, number>[] {
  const records: Map<string, number>[] = [];
  let current = new Map<string, number>();
  let quoted = false;
  let fieldStart = true;
  let blank = true;
  for (let i = 0; i < text.length && records.length < maxRecords; i++) {
    const c = text[i];
    if (quoted) {
      if (c === quote) {
        if (text[i + 1] === quote) i++;
        else quoted = false;
      }
      continue;
    }
    // As csv-parse with relax_quotes does, a quote opens a quoted field only at the field's start.
    if (c === quote && quote !== '' && fieldStart) {
      quoted = true;
      blank = false;
      fieldStart = false;
    } else if (c === '\n' || c === '\r') {
      if (!blank) records.push(current);
      current = new Map();
      fieldStart = true;
      blank = true;
    } else if ((delimiterCandidates as readonly string[]).includes(c)) {
      current.set(c, (current.get(c) ?? 0) + 1);
      fieldStart = true;
      blank = false;
    } else {
      fieldStart = false;
      blank = false;
    }
  }
  if (complete && !blank && records.length < maxRecords) records.push(current);
  return records;
}

function mostCommonNonzero(values: readonly number[]): number {
  const tally = new Map<number, number>();
  for (const v of values) if (v > 0) tally.set(v, (tally.get(v) ?? 0) + 1);
  let mode = 0;
  let most = 0;
  for (const [value, n] of tally) {
    if (n > most || (n === most && value > mode)) {
      mode = value;
      most = n;
    }
  }
  return mode;
}
