// uPlot is loaded as a classic script (/assets/vendor/uPlot.iife.min.js, vendored from npm); this is its typed handle.
import type UPlot from "uplot";

export type Plot = UPlot;
export type PlotOptions = UPlot.Options;
export type PlotData = UPlot.AlignedData;

const ctor = (globalThis as unknown as { uPlot: typeof UPlot }).uPlot;

/** Device pixels per CSS pixel, as uPlot sizes its canvas (bbox figures are in device pixels). */
export function pxRatio(): number {
  return ctor.pxRatio || globalThis.devicePixelRatio || 1;
}

export const axisStyle = { stroke: "#8a94a6", grid: { stroke: "#1d2633", width: 1 }, ticks: { stroke: "#1d2633", width: 1 } };

/** A chart that follows its container's width. */
export function plot(options: Omit<PlotOptions, "width">, data: PlotData, container: HTMLElement): Plot {
  const width = Math.max(280, container.clientWidth || 600);
  const chart = new ctor({ ...options, width } as PlotOptions, data, container);
  const observer = new ResizeObserver(() => {
    if (!container.isConnected) {
      observer.disconnect();
      chart.destroy();
      return;
    }
    const w = Math.max(280, container.clientWidth);
    if (Math.abs(w - chart.width) > 4) chart.setSize({ width: w, height: chart.height });
  });
  observer.observe(container);
  return chart;
}
