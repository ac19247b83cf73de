// Time-axis ticks that follow the bucket and the window. A tick sits on a bucket boundary (a multiple of a "nice"
// step that is itself a multiple of the bucket, aligned to the Unix epoch as the service aligns buckets), the step
// is the smallest that leaves every label its room, and the labels are the viewer's local time: "HH:MM", with the
// date under the first tick of each local day when the axis spans more than one, or the date alone when the step
// is a day or more. The labels are HTML beside the chart (uPlot draws the grid lines and tick marks at the same
// positions), so they can be read, selected and tested as text.
import type UPlot from "uplot";
import { pxRatio } from "./chart.js";

const minute = 60;
const hour = 60 * minute;
const day = 24 * hour;

/** Steps people read at a glance, in seconds; a chart uses the smallest that is a multiple of its bucket and fits. */
export const niceSteps = [
  minute, 2 * minute, 5 * minute, 10 * minute, 15 * minute, 30 * minute,
  hour, 2 * hour, 3 * hour, 6 * hour, 12 * hour,
  day, 2 * day, 7 * day, 14 * day, 28 * day, 56 * day, 91 * day, 182 * day, 364 * day,
];

/** The least distance between two labels, in CSS px: "Nov 21" or "12:00" in 12 px monospace, plus a gap. */
export const minLabelSpacing = 64;

/**
 * The tick step (seconds) for an axis spanning `spanSec` in `widthPx` with buckets of `bucketSec`: a multiple of
 * the bucket, at most one label per {@link minLabelSpacing}; a nice step when one is within 3× of the least that
 * fits, else that least multiple of the bucket (an odd bucket such as 7m).
 */
export function tickStep(spanSec: number, bucketSec: number, widthPx: number): number {
  const bucket = Math.max(1, Math.round(bucketSec));
  const maxTicks = Math.max(1, Math.floor(widthPx / minLabelSpacing));
  const least = bucket * Math.max(1, Math.ceil(spanSec / maxTicks / bucket));
  const nice = niceSteps.find((s) => s >= least && s % bucket === 0);
  return nice !== undefined && nice <= least * 3 ? nice : least;
}

/** The ticks (unix seconds) in [min, max]: every multiple of the step since the epoch. */
export function timeTicks(min: number, max: number, bucketSec: number, widthPx: number): number[] {
  if (!(max >= min)) return [];
  const step = tickStep(max - min, bucketSec, widthPx);
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max; t += step) ticks.push(t);
  return ticks;
}

export interface TickLabel {
  /** Unix seconds. */
  t: number;
  /** The first line: "12:00", or the date ("Nov 21") when the step is a day or more. */
  main: string;
  /** The second line: the date at a day's first tick when the axis spans days, the time when a day tick is not at local midnight; or "". */
  sub: string;
}

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Labels in the viewer's local time for ticks `step` apart on an axis from `min` to `max` (unix seconds). */
export function tickLabels(ticks: number[], step: number, min: number, max: number): TickLabel[] {
  const first = new Date(min * 1000);
  const last = new Date(max * 1000);
  const spansDays = localDay(first) !== localDay(last);
  const withYear = first.getFullYear() !== last.getFullYear();
  const date = (d: Date) => `${months[d.getMonth()]} ${d.getDate()}${withYear ? ` ${d.getFullYear()}` : ""}`;
  let previousDay = "";
  return ticks.map((t) => {
    const d = new Date(t * 1000);
    const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
    if (step >= day) return { t, main: date(d), sub: time === "00:00" ? "" : time };
    const today = localDay(d);
    const sub = spansDays && today !== previousDay ? date(d) : "";
    previousDay = today;
    return { t, main: time, sub };
  });
}

/**
 * The x axis of a time chart with buckets of `bucketSec`, and the plugin that writes its labels as HTML under the
 * plot after every draw (first draw, zoom, resize). Tick positions come from {@link timeTicks} for both.
 */
export function timeAxis(bucketSec: number, style: Partial<UPlot.Axis>): { axis: UPlot.Axis; plugin: UPlot.Plugin } {
  const widthOf = (u: UPlot) => u.bbox.width / pxRatio();
  const axis: UPlot.Axis = {
    ...style,
    size: 44,
    splits: (u, _axis, min, max) => timeTicks(min, max, bucketSec, widthOf(u)),
    values: (_u, splits) => splits.map(() => ""),
  };
  let box: HTMLDivElement;
  const plugin: UPlot.Plugin = {
    hooks: {
      init: (u) => {
        box = document.createElement("div");
        box.className = "x-ticks";
        u.root.querySelector(".u-wrap")?.appendChild(box);
      },
      draw: (u) => {
        const min = u.scales["x"]?.min;
        const max = u.scales["x"]?.max;
        if (min == null || max == null) return;
        const ticks = timeTicks(min, max, bucketSec, widthOf(u));
        const step = tickStep(max - min, bucketSec, widthOf(u));
        const left = u.bbox.left / pxRatio();
        box.style.top = `${(u.bbox.top + u.bbox.height) / pxRatio() + 8}px`;
        box.dataset["step"] = String(step);
        box.replaceChildren(...tickLabels(ticks, step, min, max).map((label) => {
          const tick = document.createElement("span");
          tick.className = "x-tick";
          tick.dataset["t"] = new Date(label.t * 1000).toISOString().replace(/\.000Z$/, "Z");
          tick.style.left = `${left + u.valToPos(label.t, "x")}px`;
          const main = document.createElement("span");
          main.className = "x-tick-main";
          main.textContent = label.main;
          tick.appendChild(main);
          if (label.sub) {
            const sub = document.createElement("span");
            sub.className = "x-tick-sub";
            sub.textContent = label.sub;
            tick.appendChild(sub);
          }
          return tick;
        }));
      },
    },
  };
  return { axis, plugin };
}

function localDay(d: Date): string {
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
