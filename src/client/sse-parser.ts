/**
 * The Server-Sent Events wire format (WHATWG HTML "event stream interpretation"), fed text in
 * arbitrary chunks. Pure: the stream reader owns the socket, this owns the framing.
 */
export interface SseMessage {
  /** The `id:` of this message, or undefined when it had none. */
  id: string | undefined;
  /** `event:`; `message` when absent, as in EventSource. */
  event: string;
  data: string;
}

export interface SseSink {
  message(m: SseMessage): void;
  /** A `: comment` line (the master says `: events a..b are no longer available` there). */
  comment?(text: string): void;
  /** A `retry:` field: the server's reconnection delay in ms. */
  retry?(ms: number): void;
}

export class SseParser {
  private buffer = '';
  private id: string | undefined;
  private event = '';
  private data: string[] = [];
  private sawCr = false;

  constructor(private readonly sink: SseSink) {}

  feed(chunk: string): void {
    let text = chunk;
    // A CR at the end of the last chunk already ended its line: a LF right after it is that line's.
    if (this.sawCr && text.startsWith('\n')) text = text.slice(1);
    this.sawCr = text.endsWith('\r');
    this.buffer += text;
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  private line(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) {
      this.sink.comment?.(line.slice(1).trimStart());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
      case 'event':
        this.event = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.sink.retry?.(Number(value));
        break;
    }
  }

  private dispatch(): void {
    const had = this.data.length > 0;
    const m: SseMessage = { id: this.id, event: this.event || 'message', data: this.data.join('\n') };
    this.event = '';
    this.data = [];
    if (had) this.sink.message(m);
  }
}
