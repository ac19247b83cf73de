// A minimal TopoJSON reader for world-atlas's land outlines (quantized, delta-encoded arcs), drawn as an SVG path.

interface Topology {
  transform: { scale: [number, number]; translate: [number, number] };
  arcs: [number, number][][];
  objects: Record<string, { type: string; geometries: { type: string; arcs: number[][] | number[][][] }[] }>;
}

/**
 * The SVG path data of every polygon of `object`, projected by `project(lon, lat)` onto a map `width` wide. A ring
 * that crosses the antimeridian is broken there (a new subpath) instead of drawing a line across the map, and a ring
 * flattened by the projection's latitude clamp (Antarctica) is left out.
 */
export function topologyPath(topology: Topology, object: string, project: (lon: number, lat: number) => [number, number], width: number): string {
  const { scale, translate } = topology.transform;
  const arcs = topology.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    return arc.map(([dx, dy]) => {
      x += dx;
      y += dy;
      return project((x * scale[0]) + translate[0], (y * scale[1]) + translate[1]);
    });
  });
  const ring = (indices: number[]) => {
    const points: [number, number][] = [];
    for (const index of indices) {
      const arc = index >= 0 ? arcs[index]! : [...arcs[~index]!].reverse();
      points.push(...(points.length ? arc.slice(1) : arc));
    }
    const ys = points.map((p) => p[1]);
    if (points.length === 0 || Math.max(...ys) - Math.min(...ys) < 0.5) return "";
    let d = "";
    let closed = true;
    points.forEach(([px, py], i) => {
      const jump = i > 0 && Math.abs(px - points[i - 1]![0]) > width / 2;
      if (jump) closed = false;
      d += `${i === 0 || jump ? "M" : "L"}${px.toFixed(1)},${py.toFixed(1)}`;
    });
    return closed ? `${d}Z` : d;
  };
  let d = "";
  for (const geometry of topology.objects[object]?.geometries ?? []) {
    const polygons = (geometry.type === "Polygon" ? [geometry.arcs] : geometry.arcs) as number[][][];
    for (const polygon of polygons) for (const r of polygon) d += ring(r);
  }
  return d;
}
