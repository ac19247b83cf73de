// Verifies one access token with livekit-server-sdk's own TokenVerifier and prints its payload as JSON.
// Input on stdin (never argv, which other processes can read): {"token":"…","apiKey":"…","apiSecret":"…"}.
// Exit 0 with the payload on stdout, or exit 1 with LiveKit's error message on stderr.
import { TokenVerifier } from 'livekit-server-sdk';
import { readStdinJson } from './stdin.mjs';

const input = await readStdinJson();
try {
  const payload = await new TokenVerifier(input.apiKey, input.apiSecret).verify(input.token);
  process.stdout.write(JSON.stringify(payload));
} catch (e) {
  process.stderr.write(`TokenVerifier refused the token: ${e.code ?? ''} ${e.message}`);
  process.exit(1);
}
