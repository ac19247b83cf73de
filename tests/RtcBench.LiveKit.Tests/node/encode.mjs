// Encodes messages with LiveKit's own @livekit/protocol (fromJson, then toBinary) for our C# to decode.
// Input on stdin: {"messages":[{"type":"SignalResponse"|"DataPacket","json":{…protojson, LiveKit's field names…}}]}.
// Unknown JSON keys are an error (a typo must not silently drop a field). Output: a JSON array of base64 strings.
import * as livekit from '@livekit/protocol';
import { readStdinJson } from './stdin.mjs';

const types = { SignalResponse: livekit.SignalResponse, DataPacket: livekit.DataPacket };

const input = await readStdinJson();
const output = input.messages.map(m => {
  const type = types[m.type];
  if (!type) {
    throw new Error(`unknown type ${m.type}`);
  }
  return Buffer.from(type.fromJson(m.json).toBinary()).toString('base64');
});
process.stdout.write(JSON.stringify(output));
