// Reads all of stdin and parses it as JSON: how the C# tests hand data (secrets included) to these scripts.
export async function readStdinJson() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}
