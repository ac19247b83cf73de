// A sparkline as inline SVG: no chart library needed for 24 points, and it scales with the table cell.

const svgNs = "http://www.w3.org/2000/svg";

export function sparkline(values: (number | undefined)[], color: string, label: string): SVGSVGElement {
  const width = 96;
  const height = 22;
  const svg = document.createElementNS(svgNs, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("class", "spark");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  const title = document.createElementNS(svgNs, "title");
  title.textContent = label;
  svg.appendChild(title);
  const defined = values.filter((v): v is number => v !== undefined);
  if (defined.length === 0) return svg;
  const min = Math.min(...defined);
  const max = Math.max(...defined);
  const span = max - min || 1;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === undefined) {
      pen = false;
      return;
    }
    const x = values.length > 1 ? i * step : width / 2;
    const y = height - 2 - ((v - min) / span) * (height - 4);
    d += `${pen ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`;
    pen = true;
  });
  const path = document.createElementNS(svgNs, "path");
  path.setAttribute("d", defined.length === 1 ? `${d}h1` : d);
  path.setAttribute("stroke", color);
  path.setAttribute("fill", "none");
  path.setAttribute("stroke-width", "1.5");
  path.setAttribute("stroke-linecap", "round");
  svg.appendChild(path);
  return svg;
}
