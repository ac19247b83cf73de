// Decodes bytes our C# wrote with LiveKit's own @livekit/protocol (fromBinary) and prints what LiveKit sees.
// Input on stdin: {"messages":[{"type":"SignalRequest"|"DataPacket","base64":"…"}]}.
// Output: a JSON array, one entry per message: {"case": the oneof case LiveKit read (or null), "json": its
// protojson (LiveKit's field names, default values left out), "unknownFields": field numbers LiveKit did not know,
// anywhere in the message, "payloadHex": DataPacket user payload as hex (present even when empty)}.
// Exit 1 with LiveKit's error on stderr when the bytes do not decode.
import * as livekit from '@livekit/protocol';
import { readStdinJson } from './stdin.mjs';

const types = { SignalRequest: livekit.SignalRequest, DataPacket: livekit.DataPacket };

// Field numbers protobuf-es kept as unknown, in this message and every message inside it.
function unknownFields(message, path = '') {
  const type = message.getType();
  const found = type.runtime.bin.listUnknownFields(message).map(f => `${path}${f.no}`);
  for (const field of type.fields.list()) {
    if (field.kind !== 'message') {
      continue;
    }
    let value = message[field.localName];
    if (field.oneof) {
      const oneof = message[field.oneof.localName];
      value = oneof.case === field.localName ? oneof.value : undefined;
    }
    const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
    for (const inner of values) {
      found.push(...unknownFields(inner, `${path}${field.no}.`));
    }
  }
  return found;
}

const input = await readStdinJson();
const output = [];
for (const m of input.messages) {
  const type = types[m.type];
  if (!type) {
    throw new Error(`unknown type ${m.type}`);
  }
  let message;
  try {
    message = type.fromBinary(Buffer.from(m.base64, 'base64'));
  } catch (e) {
    process.stderr.write(`@livekit/protocol could not decode the ${m.type}: ${e.message}`);
    process.exit(1);
  }
  const oneof = m.type === 'SignalRequest' ? message.message : message.value;
  const entry = { case: oneof.case ?? null, json: message.toJson(), unknownFields: unknownFields(message) };
  if (m.type === 'DataPacket' && oneof.case === 'user') {
    entry.payloadHex = Buffer.from(oneof.value.payload).toString('hex');
  }
  output.push(entry);
}
process.stdout.write(JSON.stringify(output));
