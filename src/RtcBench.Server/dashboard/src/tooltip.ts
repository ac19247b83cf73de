// A uPlot plugin: a box beside the cursor with the exact figures at the hovered point (the legend below the chart
// keeps showing them too). Each chart says what to show for a data index; the box follows the cursor, stays inside
// the plot, ignores the mouse itself, and hides when the cursor leaves.
import type UPlot from "uplot";
import { append, h } from "./dom.js";

export interface TooltipRow {
  /** Series colour (a swatch), if any. */
  color?: string;
  label: string;
  /** The figure, without its unit (tests read it as a number). */
  value: string;
  unit?: string;
  /** Smaller figures under the row, e.g. the p50–p95 band: [name, value] pairs in the same unit. */
  extra?: [string, string][];
}

export interface TooltipContent {
  title: string;
  rows: TooltipRow[];
}

/** At most this many rows; the rest are counted on one line (the legend lists them all). */
export const maxRows = 8;

export function tooltipPlugin(content: (u: UPlot, idx: number) => TooltipContent | null): UPlot.Plugin {
  let box: HTMLDivElement;
  const hide = () => {
    box.hidden = true;
    delete box.dataset["idx"];
  };
  return {
    hooks: {
      init: (u: UPlot) => {
        box = h("div", { class: "tooltip", role: "tooltip", hidden: true });
        u.over.appendChild(box);
        u.over.addEventListener("mouseleave", hide);
      },
      setCursor: (u: UPlot) => {
        const { left, top, idx } = u.cursor;
        if (idx === null || idx === undefined || left === undefined || top === undefined || left < 0) {
          hide();
          return;
        }
        const shown = content(u, idx);
        if (!shown || shown.rows.length === 0) {
          hide();
          return;
        }
        fill(box, shown);
        box.dataset["idx"] = String(idx);
        box.hidden = false;
        place(box, u.over, left, top);
      },
    },
  };
}

function fill(box: HTMLDivElement, { title, rows }: TooltipContent): void {
  const visible = rows.slice(0, maxRows);
  box.replaceChildren();
  append(box, [
    h("div", { class: "tooltip-title" }, title),
    ...visible.map((r) => h("div", { class: "tooltip-row", "data-series": r.label },
      h("span", { class: "swatch", style: r.color ? `background:${r.color}` : undefined }),
      h("span", { class: "tooltip-label" }, r.label),
      h("span", { class: "tooltip-value" }, h("strong", { "data-field": "value" }, r.value), r.unit ? ` ${r.unit}` : ""),
      r.extra?.length
        ? h("span", { class: "tooltip-extra" }, ...r.extra.flatMap(([name, value], i) =>
          [i > 0 ? " · " : "", `${name} `, h("span", { "data-field": name }, value)]), r.unit ? ` ${r.unit}` : "")
        : null)),
    rows.length > visible.length ? h("div", { class: "dim" }, `+${rows.length - visible.length} more in the legend`) : null]);
}

/** Beside the cursor (right and below), flipped left or up when it would leave the plot. */
function place(box: HTMLDivElement, over: HTMLElement, left: number, top: number): void {
  const gap = 14;
  const width = box.offsetWidth;
  const height = box.offsetHeight;
  const x = left + gap + width <= over.clientWidth ? left + gap : Math.max(0, left - gap - width);
  const y = top + gap + height <= over.clientHeight ? top + gap : Math.max(0, top - gap - height);
  box.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
}
