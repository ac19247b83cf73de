// Mints one access token with livekit-server-sdk's own AccessToken and prints it.
// Input on stdin: {"apiKey","apiSecret","identity","name"?,"metadata"?,"ttlSeconds","grant":{…VideoGrant…}}.
import { AccessToken } from 'livekit-server-sdk';
import { readStdinJson } from './stdin.mjs';

const input = await readStdinJson();
const token = new AccessToken(input.apiKey, input.apiSecret, {
  identity: input.identity,
  name: input.name,
  metadata: input.metadata,
  ttl: input.ttlSeconds,
});
token.addGrant(input.grant);
process.stdout.write(await token.toJwt());
