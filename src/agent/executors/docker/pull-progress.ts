/**
 * The engine answers `POST /images/create` with newline-delimited JSON progress. A failed pull
 * usually still answers 200 and reports the failure as an `error` line, so the stream has to be
 * read to the end to know whether the pull worked.
 *
 * PullProgress folds the lines into a per-layer picture and a short summary fit for a task status
 * message ("3/5 layers, 12.1/40.0 MB"). Only layer milestones count as news, not every byte, so a
 * caller that reports on news does not flood the master with updates.
 */

export interface PullLine {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

type LayerState = 'waiting' | 'downloading' | 'extracting' | 'done';

export class PullProgress {
  private readonly layers = new Map<string, { state: LayerState; current: number; total: number }>();
  /** Set by an `error` line: the pull failed with this engine message. */
  error: string | undefined;

  /** Applies one line; true when it changed the summary in a way worth reporting. */
  apply(line: PullLine): boolean {
    if (line.error !== undefined || line.errorDetail?.message !== undefined) {
      this.error = line.errorDetail?.message ?? line.error;
      return true;
    }
    const { status, id } = line;
    if (status === undefined || id === undefined || !this.isLayerStatus(status)) return false;
    const layer = this.layers.get(id) ?? { state: 'waiting' as LayerState, current: 0, total: 0 };
    const before = layer.state;
    if (status === 'Pull complete' || status === 'Already exists') layer.state = 'done';
    else if (status === 'Downloading') {
      layer.state = 'downloading';
      layer.current = line.progressDetail?.current ?? layer.current;
      layer.total = line.progressDetail?.total ?? layer.total;
    } else if (status === 'Download complete' || status === 'Extracting' || status === 'Verifying Checksum') {
      if (layer.total > 0) layer.current = layer.total;
      layer.state = 'extracting';
    }
    const isNew = !this.layers.has(id);
    this.layers.set(id, layer);
    return isNew || layer.state !== before;
  }

  private isLayerStatus(status: string): boolean {
    return [
      'Pulling fs layer',
      'Waiting',
      'Downloading',
      'Verifying Checksum',
      'Download complete',
      'Extracting',
      'Pull complete',
      'Already exists',
    ].includes(status);
  }

  /** e.g. `2/3 layers, 1.5/4.0 MB`; `starting` before any layer is known. */
  summary(): string {
    if (this.layers.size === 0) return 'starting';
    const all = [...this.layers.values()];
    const done = all.filter((l) => l.state === 'done').length;
    const current = all.reduce((s, l) => s + (l.state === 'done' ? l.total : l.current), 0);
    const total = all.reduce((s, l) => s + l.total, 0);
    const mb = (n: number) => (n / 1_000_000).toFixed(1);
    return total > 0
      ? `${done}/${all.length} layers, ${mb(current)}/${mb(total)} MB`
      : `${done}/${all.length} layers`;
  }
}

/** Splits newline-delimited JSON arriving in arbitrary chunks; unparsable lines are skipped. */
export class JsonLines {
  private rest = '';

  push(chunk: string): PullLine[] {
    this.rest += chunk;
    const parts = this.rest.split('\n');
    this.rest = parts.pop() ?? '';
    return parts.flatMap(parse);
  }

  end(): PullLine[] {
    const last = this.rest;
    this.rest = '';
    return parse(last);
  }
}

function parse(text: string): PullLine[] {
  const t = text.trim();
  if (t === '') return [];
  try {
    const v = JSON.parse(t) as unknown;
    return typeof v === 'object' && v !== null ? [v as PullLine] : [];
  } catch {
    return [];
  }
}
