// What /api/results/compare concluded, in words: the ★ of the significantly faster platform and by how much —
// the difference of medians relative to the slower one, with its 95% bootstrap CI (median_relative_difference).
// Shown only when compare declares a winner (Mann–Whitney p < α and the median difference's CI excludes 0).
import { h } from "./dom.js";
import { ms, pValue } from "./format.js";
import type { CompareResponse } from "./types.js";

export interface FasterBy {
  faster: string;
  slower: string;
  /** (slower median − faster median) / slower median, in %. */
  percent: number;
  /** Its 95% CI, in %. */
  low: number;
  high: number;
}

/** The winner's lead over the other platform; null unless compare found the difference significant. */
export function fasterBy(c: CompareResponse): FasterBy | null {
  const r = c.median_relative_difference;
  if (!c.winner || !r) return null;
  // r is (a − b) / the slower median: negative when a is the faster one.
  const aWins = c.winner === c.a.platform;
  return aWins
    ? { faster: c.a.platform, slower: c.b.platform, percent: -r.estimate * 100, low: -r.ci95_high * 100, high: -r.ci95_low * 100 }
    : { faster: c.b.platform, slower: c.a.platform, percent: r.estimate * 100, low: r.ci95_low * 100, high: r.ci95_high * 100 };
}

export function percentText(value: number): string {
  return `${value.toFixed(1)} %`;
}

export function ciText(f: FasterBy): string {
  return `95% CI ${f.low.toFixed(1)}–${f.high.toFixed(1)} %`;
}

/** "udp is 33.3 % faster than janus (95% CI 31.0–35.2 %)". */
export function fasterSentence(f: FasterBy): string {
  return `${f.faster} is ${percentText(f.percent)} faster than ${f.slower} (${ciText(f)})`;
}

/** The hover text: the sentence, the median difference with its CI, the test and why. */
export function explain(c: CompareResponse): string {
  const f = fasterBy(c);
  const d = c.median_difference_us;
  const diff = d ? `median ${c.a.platform} − ${c.b.platform}: ${ms(d.estimate, 2)} ms (95% CI ${ms(d.ci95_low, 2)} … ${ms(d.ci95_high, 2)} ms)` : "";
  const test = c.test ? `, ${c.test.name} p = ${pValue(c.test.p_value)}` : "";
  return `${f ? fasterSentence(f) + ". " : ""}${diff}${test}; ${c.ci_method}. ${c.reason}`;
}

/** "★ 33.3 % faster (95% CI 31.0–35.2 %)" for the winner's row; null when there is no significant winner. */
export function fasterBadge(c: CompareResponse): HTMLElement | null {
  if (!c.winner) return null;
  const f = fasterBy(c);
  if (!f) return h("span", { class: "badge", "data-field": "faster", title: explain(c) }, "★ faster");
  return h("span", { class: "badge", "data-field": "faster", title: explain(c) },
    "★ ", h("span", { "data-field": "faster-by" }, `${percentText(f.percent)} faster`),
    " ", h("span", { class: "ci", "data-field": "faster-ci" }, `(${ciText(f)})`));
}
