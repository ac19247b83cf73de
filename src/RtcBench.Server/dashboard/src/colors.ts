// One accent per platform: Daily cyan and LiveKit lime from the seed, then one each for udp, direct and janus.

const known: Record<string, string> = {
  daily: "#00d4ff",
  livekit: "#00ff88",
  udp: "#ffb000",
  direct: "#ff5fd2",
  janus: "#b18cff",
};

const spare = ["#ff6b6b", "#f8f87a", "#7ab8ff", "#ffa36b", "#c0c0c0"];

export function platformColor(platform: string): string {
  const c = known[platform.toLowerCase()];
  if (c) return c;
  let hash = 0;
  for (const ch of platform) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return spare[hash % spare.length]!;
}
