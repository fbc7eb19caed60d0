// Prometheus metrics of one process, served as /metrics (the API's, or the worker's small server):
//
//   http_requests_total{method,route,status}             requests answered by the API
//   http_request_duration_seconds{method,route,status}   their latency (histogram)
//   process_* / nodejs_*                                  Node's own (prom-client's default metrics)
//   temporal_*                                            the Temporal SDK runtime's (worker polls, task
//                                                         latencies, sticky cache…), where a worker runs
//
// `route` is the operation's path template (/staff/reservations/{reservationId}), never the concrete
// path, so the number of series stays bounded; requests matching no operation count as "unmatched".
//
// The SDK's metrics come from its own Prometheus exporter (the Rust core serves them on a loopback
// port chosen at start, src/infra/temporal-runtime.ts); /metrics appends them so that one scrape target
// per process has everything.
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export const UNMATCHED_ROUTE = 'unmatched';
/** The probes and the scrape, served by the API and by the worker role's own server alike. */
export const OPS_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly durations: Histogram<'method' | 'route' | 'status'>;

  constructor(
    private readonly opts: {
      /** Node's process metrics (off in tests, where many apps share one process). */
      processMetrics?: boolean;
      /** The Temporal SDK runtime's Prometheus endpoint, e.g. http://127.0.0.1:40123/metrics. */
      sdkMetricsUrl?: string | undefined;
    } = {},
  ) {
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, operation path template and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.durations = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from receiving an HTTP request to the end of its response',
      labelNames: ['method', 'route', 'status'],
      // Reads take milliseconds; placing a reservation starts a workflow (tens of ms); a Thursday run by
      // hand can take seconds.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method: method.toUpperCase(), route, status: String(status) };
    this.requests.inc(labels);
    this.durations.observe(labels, seconds);
  }

  /** The exposition text: this process's metrics, then the Temporal SDK runtime's. */
  async render(): Promise<string> {
    const own = await this.registry.metrics();
    if (!this.opts.sdkMetricsUrl) return own;
    try {
      const res = await fetch(this.opts.sdkMetricsUrl, { signal: AbortSignal.timeout(2_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return `${own}\n${await res.text()}`;
    } catch (err) {
      // Our own metrics still count; a comment line says why the SDK's are missing this time.
      return `${own}\n# Temporal SDK metrics unavailable: ${err instanceof Error ? err.message : String(err)}\n`;
    }
  }
}
