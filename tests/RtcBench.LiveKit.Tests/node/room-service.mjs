// Drives a RoomService with livekit-server-sdk's own RoomServiceClient and prints what it saw, so the tests can
// check that the stand-in RoomService accepts LiveKit's requests and LiveKit's client reads its answers.
// Input on stdin: {"url","apiKey","apiSecret","busyRoom"}: creates, lists and deletes "sdk-room", lists the
// participants of busyRoom (which the test filled), then deletes "sdk-room" again to see the error.
import { RoomServiceClient } from 'livekit-server-sdk';
import { readStdinJson } from './stdin.mjs';

const input = await readStdinJson();
const client = new RoomServiceClient(input.url, input.apiKey, input.apiSecret, { failover: false });

const created = await client.createRoom({ name: 'sdk-room', emptyTimeout: 60, departureTimeout: 10, maxParticipants: 3 });
const listed = await client.listRooms(['sdk-room']);
const participants = await client.listParticipants(input.busyRoom);
await client.deleteRoom('sdk-room');
const afterDelete = await client.listRooms();
let deleteAgain;
try {
  await client.deleteRoom('sdk-room');
  deleteAgain = { error: null };
} catch (e) {
  deleteAgain = { code: e.code, status: e.status };
}

process.stdout.write(JSON.stringify({
  created: { sid: created.sid, name: created.name, emptyTimeout: created.emptyTimeout, departureTimeout: created.departureTimeout,
    maxParticipants: created.maxParticipants, creationTime: String(created.creationTime) },
  listed: listed.map(r => r.name),
  participants: participants.map(p => ({ identity: p.identity, sid: p.sid, joinedAtMs: String(p.joinedAtMs) })),
  afterDelete: afterDelete.map(r => r.name),
  deleteAgain,
}));
