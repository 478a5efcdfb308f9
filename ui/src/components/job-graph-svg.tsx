import dagre from '@dagrejs/dagre';
import { Link } from 'react-router';
import type { Job } from '../data/types.js';
import type { JobGraph } from '../model/job-graph.js';
import { plural } from '../model/plural.js';
import { jobStatus } from '../model/status.js';

const W = 150;
const H = 40;

/** The dependency graph laid out top-down by dagre; each node coloured and labelled by its last outcome. */
export function JobGraphSvg({ graph, current }: { graph: JobGraph; current?: string }) {
  if (graph.nodes.length === 0) return <p className="muted">No jobs to draw.</p>;
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 36, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.name, { width: W, height: H });
  for (const e of graph.edges) g.setEdge(e.from, e.to);
  dagre.layout(g);
  const { width = W, height = H } = g.graph();
  return (
    <figure className="graph" style={{ margin: 0 }}>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        role="img"
        aria-label={`Dependency graph: ${plural(graph.nodes.length, 'job')}, ${plural(graph.edges.length, 'dependency', 'dependencies')}`}
        data-nodes={graph.nodes.length}
        data-edges={graph.edges.length}
      >
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor" />
          </marker>
        </defs>
        {graph.edges.map((e) => {
          const pts = g.edge(e.from, e.to)?.points ?? [];
          const d = pts
            .map((p: { x: number; y: number }, i: number) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`)
            .join(' ');
          return (
            <path
              key={`${e.from}->${e.to}`}
              className="edge"
              d={d}
              markerEnd="url(#arrow)"
              data-edge={`${e.from}->${e.to}`}
            />
          );
        })}
        {graph.nodes.map((n) => (
          <GraphNode
            key={n.name}
            job={n}
            x={g.node(n.name).x}
            y={g.node(n.name).y}
            current={n.name === current}
          />
        ))}
      </svg>
      <figcaption className="muted" style={{ fontSize: 12 }}>
        Arrows go from a parent to the job that runs after it. Colour and word: the last outcome.
      </figcaption>
    </figure>
  );
}

function GraphNode({ job, x, y, current }: { job: Job; x: number; y: number; current: boolean }) {
  const s = jobStatus(job.lastSuccess, job.lastError, job.disabled);
  return (
    <Link to={`/jobs/${encodeURIComponent(job.name)}?tab=graph`}>
      <g
        className={`node tone-${s.tone}`}
        transform={`translate(${x - W / 2},${y - H / 2})`}
        data-node={job.name}
      >
        <rect width={W} height={H} rx={6} strokeWidth={current ? 3 : 2} />
        <text x={8} y={16} fontWeight={current ? 700 : 400}>
          {job.name.length > 20 ? `${job.name.slice(0, 19)}…` : job.name}
        </text>
        <text x={8} y={32} className="muted" fontSize={11}>
          {s.word}
        </text>
      </g>
    </Link>
  );
}
