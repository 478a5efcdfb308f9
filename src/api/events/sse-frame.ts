/**
 * Server-Sent Events framing for bus events. Marathon's data line is the event's flat JSON with
 * `eventType` and `timestamp` after the payload fields; the `event:` line is what
 * marathon-event-bus-client (and any EventSource `addEventListener(type)`) dispatches on, and `id:`
 * is what a browser or eventsource client sends back as Last-Event-ID.
 */
import type { BusEvent } from '../../control-plane/events/event-bus.js';

/** Marathon's JSON for one event: payload fields, then eventType and timestamp. */
export function eventJson(e: BusEvent): string {
  return JSON.stringify({ ...e.payload, eventType: e.eventType, timestamp: e.timestamp });
}

/**
 * One SSE message. JSON.stringify escapes CR and LF inside strings, so the data is always one line
 * and can never end the message early or inject fields.
 */
export function sseFrame(e: BusEvent): string {
  return `id: ${e.id}\nevent: ${e.eventType}\ndata: ${eventJson(e)}\n\n`;
}

/** A comment line: ignored by clients, keeps proxies and NATs from closing an idle stream. */
export function sseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

/**
 * Frames are built once per event, however many clients receive it. Keyed weakly by the event
 * object, so a frame lives exactly as long as the bus ring (or a slow client) still holds the event.
 */
export class FrameCache {
  private readonly frames = new WeakMap<BusEvent, string>();

  frame(e: BusEvent): string {
    let f = this.frames.get(e);
    if (f === undefined) {
      f = sseFrame(e);
      this.frames.set(e, f);
    }
    return f;
  }
}
